import { ZendeskChatApi, type ZendeskChatValues } from '../lib/providers/zendesk-chat/api';
import { findZendeskChatOperation, ZENDESK_CHAT_CATALOG, type ZendeskChatOperation, type ZendeskChatParam } from '../lib/providers/zendesk-chat/catalog';
import { ProviderApiError } from '../lib/providers/http-json';
import type { SlidingWindowLimiter } from '../lib/providers/rate-limiter';
import { NODE_HOST } from '../lib/hosts/node';
import { zendeskChatLimiter } from '../lib/providers/zendesk-chat/limiter';
import { handleInput } from '../hosts/node-red/action';
import { connectionOf } from '../hosts/node-red/config-node';
import type { NodeDefinition, NodeMessage, RED, RedNode } from '../hosts/node-red/red';

type OutputMode = 'all' | 'page' | 'item';

/** One client-side limiter per config node (one Zendesk account), shared by every node using it. */
const limiters = new WeakMap<object, SlidingWindowLimiter>();
function limiterOf(connection: object): SlidingWindowLimiter {
  let limiter = limiters.get(connection);
  if (!limiter) {
    limiter = zendeskChatLimiter(NODE_HOST);
    limiters.set(connection, limiter);
  }
  return limiter;
}

/** Settings of flows saved before the catalog, read when `params` has no value of that name. */
const LEGACY_BY_NAME = ['query', 'startTime', 'fields'] as const;

function present(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** "Chat ID" → "chat ID". */
function inSentence(label: string): string {
  return label
    .split(' ')
    .map((word) => (/^IDs?$/.test(word) ? word : word.toLowerCase()))
    .join(' ');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** Where a node's parameter values come from: its definition and its saved `params`. */
interface ParamSource {
  def: NodeDefinition;
  saved: Record<string, unknown>;
}

/** A parameter's value from the node's settings (new `params`, else the settings of earlier versions). */
function settingOf({ def, saved }: ParamSource, param: ZendeskChatParam): unknown {
  if (Object.prototype.hasOwnProperty.call(saved, param.name)) return saved[param.name];
  if ((LEGACY_BY_NAME as readonly string[]).includes(param.name)) return def[param.name];
  if (param.where === 'path') return def.itemId;
  if (param.kind === 'list') return def.ids;
  return undefined;
}

/** A parameter's value for one message: msg.params, msg.ids / msg.startTime / msg.startId, the node, msg.payload. */
function valueOf(source: ParamSource, param: ZendeskChatParam, msg: NodeMessage, primary: boolean): unknown {
  const fromMsg = isObject(msg.params) ? msg.params[param.name] : undefined;
  if (present(fromMsg)) return fromMsg;
  if (param.kind === 'list' && present(msg.ids)) return msg.ids;
  if (param.name === 'startTime' && present(msg.startTime)) return msg.startTime;
  if (param.name === 'startId' && present(msg.startId)) return msg.startId;
  const configured = settingOf(source, param);
  if (present(configured)) return configured;
  if (primary && (typeof msg.payload === 'string' || typeof msg.payload === 'number')) return msg.payload;
  return undefined;
}

/** The catalog entry for this message (a saved `getMany` with chat IDs is `getByIds`). */
function operationFor(source: ParamSource, resource: string, operation: string, msg: NodeMessage): ZendeskChatOperation {
  const params = ZENDESK_CHAT_CATALOG.filter((op) => op.resource === resource).flatMap((op) => op.params);
  const hasValue = (name: string) => params.some((p) => p.name === name && present(valueOf(source, p, msg, false)));
  const op = findZendeskChatOperation(resource, operation, hasValue);
  if (!op) throw new Error(`Unknown operation ${resource} ${operation}`);
  return op;
}

/** The operation's parameter values for one message; its first required one must be there (or have a default). */
function valuesFor(source: ParamSource, op: ZendeskChatOperation, msg: NodeMessage): ZendeskChatValues {
  const primary = op.params.find((p) => p.required);
  const values: ZendeskChatValues = {};
  for (const param of op.params) values[param.name] = valueOf(source, param, msg, param === primary);
  if (primary && !present(values[primary.name]) && primary.default === undefined) {
    throw new Error(`The ${inSentence(primary.label)} is empty: set it on the node or send it as msg.payload`);
  }
  return values;
}

/** The API of the node's config node: its token manager, API address and shared rate limit. */
function apiOf(RED: RED, def: NodeDefinition): { api: ZendeskChatApi; redact: (t: string) => string } {
  const connection = connectionOf(RED, def.zendesk, 'zendesk-chat-oauth2');
  const manager = connection.requireManager();
  const apiBaseUrl = connection.built?.apiBaseUrl;
  if (!apiBaseUrl) throw new Error('The Zendesk Chat configuration has no API address');
  return { api: new ZendeskChatApi(manager, apiBaseUrl, { limiter: limiterOf(connection) }), redact: (t) => manager.redact(t) };
}

interface Listing {
  mode: OutputMode;
  limit?: number;
  pageSize?: number;
}

/** How many items (msg.limit, else the node's limit) and how many per page the export asks for. */
function listingOf(def: NodeDefinition, op: ZendeskChatOperation, msg: NodeMessage, mode: OutputMode): Listing {
  const limitSetting = msg.limit !== undefined ? Number(msg.limit) : Number(def.limit || 0);
  const limit = Number.isFinite(limitSetting) && limitSetting > 0 ? Math.floor(limitSetting) : undefined;
  if (op.paging.kind !== 'incremental' && op.paging.kind !== 'since_id') return { mode, limit };
  const wanted = Number(def.pageSize) > 0 ? Math.floor(Number(def.pageSize)) : op.paging.pageSize;
  return { mode, limit, pageSize: Math.max(1, Math.min(wanted, op.paging.maxPageSize, limit ?? Infinity)) };
}

/** Reads the pages of a list up to the limit and sends them as one message, one per page or one per item. */
async function sendList(RED: RED, api: ZendeskChatApi, op: ZendeskChatOperation, values: ZendeskChatValues, msg: NodeMessage, send: (m: NodeMessage) => void, listing: Listing): Promise<void> {
  const { mode, limit } = listing;
  let count = 0;
  let pageNo = 0;
  const all: unknown[] = [];
  let last: { endTime?: number; endId?: string } = {};
  const withCursor = (m: NodeMessage) => {
    if (op.paging.kind === 'incremental') m.incremental = { ...last };
  };
  const copy = (payload: unknown) => Object.assign(RED.util.cloneMessage(msg), { payload, page: pageNo });
  for await (const page of api.pages(op, values, { pageSize: listing.pageSize })) {
    last = { endTime: page.endTime, endId: page.endId };
    const items = limit !== undefined && count + page.items.length > limit ? page.items.slice(0, limit - count) : page.items;
    count += items.length;
    if (mode === 'page') {
      const out = copy(items);
      withCursor(out);
      send(out);
    } else if (mode === 'item') {
      for (const item of items) send(copy(item));
    } else {
      all.push(...items);
    }
    pageNo++;
    if (limit !== undefined && count >= limit) break;
  }
  if (mode !== 'all') return;
  msg.payload = all;
  msg.count = all.length;
  withCursor(msg);
  send(msg);
}

/**
 * `zendesk-chat`: any read operation of the Zendesk Chat catalog (lib/providers/zendesk-chat/
 * catalog.ts) through a `zendesk-chat-oauth2` config node. Parameter values come from
 * `msg.params`, the node's `params` (one per catalog parameter), or the settings of flows saved
 * before the catalog (`itemId`, `ids`, `query`, `startTime`, `fields`); `msg.payload` fills the
 * operation's first required parameter, `msg.ids` a list of IDs, `msg.startTime`/`msg.startId` an
 * export's start. Operation names of earlier versions (`getMany`, `incremental`) are read through
 * the catalog's aliases. Lists go out as one message per item, per page, or all in one. All nodes on
 * one config node share its token and its 200-requests-per-minute budget.
 */
export = function (RED: RED): void {
  RED.nodes.registerType('zendesk-chat', function (this: RedNode, def: NodeDefinition) {
    RED.nodes.createNode(this, def);
    const node: RedNode = this; // eslint-disable-line @typescript-eslint/no-this-alias
    const resource = String(def.resource ?? 'chat');
    const operation = String(def.operation ?? 'get');
    const source: ParamSource = { def, saved: isObject(def.params) ? def.params : {} };
    const mode = (['all', 'page', 'item'].includes(String(def.outputMode)) ? def.outputMode : 'all') as OutputMode;
    let redact: ((t: string) => string) | undefined;

    handleInput(
      node,
      async (msg, send) => {
        const op = operationFor(source, resource, operation, msg);
        const connection = apiOf(RED, def);
        redact = connection.redact;
        const values = valuesFor(source, op, msg);
        if (op.returns === 'object') {
          msg.payload = await connection.api.request(op, values);
          send(msg);
          return;
        }
        await sendList(RED, connection.api, op, values, msg, send, listingOf(def, op, msg, mode));
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
