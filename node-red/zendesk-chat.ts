import { ZendeskChatApi } from '../lib/providers/zendesk-chat/api';
import { ProviderApiError } from '../lib/providers/http-json';
import { handleInput } from './common/action';
import { connectionOf } from './common/config-node';
import type { NodeDefinition, NodeMessage, RED, RedNode } from './common/red';

type Resource = 'chat' | 'agent' | 'department' | 'account';
type OutputMode = 'all' | 'page' | 'item';

const OPERATIONS: Record<Resource, string[]> = {
  chat: ['get', 'getMany', 'search', 'incremental'],
  agent: ['get', 'getMany'],
  department: ['get', 'getMany'],
  account: ['get'],
};

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value).trim();
}

/**
 * `zendesk-chat`: Zendesk Chat REST API v2 through a `zendesk-chat-oauth2` config node. Chat get /
 * get many (following next_url, or by ids) / search / incremental export; Agent get / get many;
 * Department get / get many; Account get. Lists go out as one message per item, per page, or all
 * in one. All nodes on one config node share its token and its 200-requests-per-minute budget.
 */
export = function (RED: RED): void {
  RED.nodes.registerType('zendesk-chat', function (this: RedNode, def: NodeDefinition) {
    RED.nodes.createNode(this, def);
    const node: RedNode = this; // eslint-disable-line @typescript-eslint/no-this-alias
    const resource = (Object.keys(OPERATIONS).includes(String(def.resource)) ? def.resource : 'chat') as Resource;
    const operation = OPERATIONS[resource].includes(String(def.operation)) ? String(def.operation) : OPERATIONS[resource][0];
    const mode = (['all', 'page', 'item'].includes(String(def.outputMode)) ? def.outputMode : 'all') as OutputMode;
    let redact: ((t: string) => string) | undefined;

    handleInput(
      node,
      async (msg, send) => {
        const connection = connectionOf(RED, def.zendesk, 'zendesk-chat-oauth2');
        const manager = connection.requireManager();
        redact = (t) => manager.redact(t);
        const apiBaseUrl = connection.built?.apiBaseUrl;
        if (!apiBaseUrl) throw new Error('The Zendesk Chat configuration has no API address');
        const api = new ZendeskChatApi(manager, apiBaseUrl, { limiter: connection.limiter });
        const limitSetting = msg.limit !== undefined ? Number(msg.limit) : Number(def.limit || 0);
        const limit = Number.isFinite(limitSetting) && limitSetting > 0 ? Math.floor(limitSetting) : undefined;
        const idOf = (what: string) => {
          const id = text(def.itemId) || (typeof msg.payload === 'string' || typeof msg.payload === 'number' ? text(msg.payload) : '');
          if (!id) throw new Error(`The ${what} is empty: set it on the node or send it as msg.payload`);
          return id;
        };

        const single = (payload: unknown) => {
          msg.payload = payload;
          send(msg);
        };

        const emitPages = async (pages: AsyncIterable<unknown[]>, after?: (m: NodeMessage) => void) => {
          let count = 0;
          let pageNo = 0;
          const all: unknown[] = [];
          for await (const page of pages) {
            let items = page;
            if (limit !== undefined && count + items.length > limit) items = items.slice(0, limit - count);
            count += items.length;
            if (mode === 'page') {
              const out = RED.util.cloneMessage(msg);
              out.payload = items;
              out.page = pageNo;
              after?.(out);
              send(out);
            } else if (mode === 'item') {
              for (const item of items) {
                const out = RED.util.cloneMessage(msg);
                out.payload = item;
                out.page = pageNo;
                send(out);
              }
            } else {
              all.push(...items);
            }
            pageNo++;
            if (limit !== undefined && count >= limit) break;
          }
          if (mode === 'all') {
            msg.payload = all;
            msg.count = all.length;
            after?.(msg);
            send(msg);
          }
        };

        switch (`${resource}:${operation}`) {
          case 'chat:get':
            return single(await api.getChat(idOf('chat ID')));
          case 'chat:getMany': {
            const idsSetting = Array.isArray(msg.ids) ? (msg.ids as unknown[]).map(text) : text(def.ids).split(/[\s,]+/);
            const ids = idsSetting.filter(Boolean);
            if (ids.length) {
              const chats = await api.getChats(ids);
              return emitPages((async function* () { yield chats; })());
            }
            return emitPages(api.chatPages());
          }
          case 'chat:search': {
            const query = text(def.query) || (typeof msg.payload === 'string' ? msg.payload.trim() : '');
            if (!query) throw new Error('The search query is empty: set it on the node or send it as msg.payload');
            return emitPages(api.searchPages(query));
          }
          case 'chat:incremental': {
            const start = msg.startTime !== undefined ? Number(msg.startTime) : Number(text(def.startTime) || 0);
            let last: { endTime?: number; endId?: string } = {};
            const pages = (async function* () {
              for await (const page of api.incrementalPages({ startTime: start, startId: text(msg.startId) || undefined, limit: Number(def.pageSize) || 1000, fields: text(def.fields) || undefined })) {
                last = { endTime: page.endTime, endId: page.endId };
                yield page.chats;
              }
            })();
            return emitPages(pages, (m) => {
              m.incremental = { ...last };
            });
          }
          case 'agent:get':
            return single(await api.getAgent(idOf('agent ID')));
          case 'agent:getMany':
            return emitPages(api.agentPages());
          case 'department:get':
            return single(await api.getDepartment(idOf('department ID')));
          case 'department:getMany': {
            const list = await api.departments();
            return emitPages((async function* () { yield Array.isArray(list) ? list : []; })());
          }
          case 'account:get':
            return single(await api.account());
          default:
            throw new Error(`Unknown operation ${resource} ${operation}`);
        }
      },
      {
        redact: () => redact,
        onError: (msg, error) => {
          if (error instanceof ProviderApiError) msg.statusCode = error.status;
        },
      },
    );
  });
};
