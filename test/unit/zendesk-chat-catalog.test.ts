// The Zendesk Chat operation catalog is consistent: plain JSON, one entry per resource and
// operation, path templates and path parameters match, paging fits what an operation returns,
// what is not confirmed says so, and the names earlier versions saved resolve.
import {
  defaultZendeskChatOperation,
  findZendeskChatOperation,
  zendeskChatResources,
  ZENDESK_CHAT_CATALOG as CATALOG,
} from '../../lib/providers/zendesk-chat/catalog';
import { buildRequest } from '../../lib/providers/zendesk-chat/api';

const key = (op: { resource: string; operation: string }) => `${op.resource}:${op.operation}`;

describe('the Zendesk Chat catalog', () => {
  it('is plain JSON (the Node-RED editor gets it through JSON.stringify)', () => {
    expect(JSON.parse(JSON.stringify(CATALOG))).toEqual(CATALOG);
  });

  it('has one entry per resource and operation, in one naming scheme', () => {
    expect(new Set(CATALOG.map(key)).size).toBe(CATALOG.length);
    for (const op of CATALOG) {
      expect(op.resource).toMatch(/^[a-z][A-Za-z]*$/);
      if (op.resource !== 'routingSettings') expect(op.resource).not.toMatch(/s$/); // singular (settings has no singular)
      expect(op.operation).toMatch(/^(get|getAll|getByIds|getByEmail|getByName|getMe|search|incrementalExport)$/);
    }
  });

  it.each(CATALOG.map((op) => [key(op), op] as const))('%s: path, parameters, paging and shape agree', (_key, op) => {
    const placeholders = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    expect(op.params.filter((p) => p.where === 'path').map((p) => p.name).sort()).toEqual(placeholders);
    expect(new Set(op.params.map((p) => p.name)).size).toBe(op.params.length);
    expect(op.path.startsWith('/')).toBe(true);
    expect(op.docs).toMatch(/^https:\/\/developer\.zendesk\.com\/api-reference\/live-chat\/chat-api\//);
    expect(op.confirmed).toBe(!op.unconfirmed);
    if (op.returns === 'object') {
      expect(op.paging.kind).toBe('none');
      expect(op.listKey).toBeUndefined();
    } else {
      expect(op.objectKey).toBeUndefined();
    }
    if (op.paging.kind === 'incremental') {
      const start = op.params.find((p) => p.name === 'startTime');
      expect(start).toMatchObject({ kind: 'dateTime', key: 'start_time', where: 'query' });
      expect(op.listKey).toEqual(expect.any(String));
      expect(op.params.find((p) => p.name === 'fields')?.default).toBe(`${op.listKey}(*)`);
    }
    if (op.paging.kind === 'next_url' || op.paging.kind === 'search') expect(op.listKey).toEqual(expect.any(String));
    // every parameter can be given, and the request then has no placeholder left
    const values = Object.fromEntries(op.params.map((p) => [p.name, p.kind === 'dateTime' ? 0 : p.kind === 'number' ? 1 : 'x y']));
    const built = buildRequest(op, values);
    expect(built.path).not.toMatch(/[{}]/);
  });

  it('lists its resources with display names, in catalog order', () => {
    const resources = zendeskChatResources();
    expect(resources.map((r) => r.value)).toEqual([...new Set(CATALOG.map((op) => op.resource))]);
    expect(resources.find((r) => r.value === 'agentTimeline')?.name).toBe('Agent Timeline');
  });

  it('starts each resource where the n8n node always did (saved workflows omit defaults)', () => {
    expect(defaultZendeskChatOperation('chat')).toBe('getAll');
    expect(defaultZendeskChatOperation('agent')).toBe('getAll');
    expect(defaultZendeskChatOperation('department')).toBe('getAll');
    expect(defaultZendeskChatOperation('account')).toBe('get');
    expect(defaultZendeskChatOperation('visitor')).toBe('get');
  });

  it('reads the names earlier versions saved through the aliases', () => {
    const find = (resource: string, operation: string, set: string[] = []) => {
      const op = findZendeskChatOperation(resource, operation, (param) => set.includes(param));
      return op && key(op);
    };
    expect(find('chat', 'getMany')).toBe('chat:getAll');
    expect(find('chat', 'getMany', ['chatIds'])).toBe('chat:getByIds');
    expect(find('chat', 'incremental')).toBe('chat:incrementalExport');
    expect(find('agent', 'getMany')).toBe('agent:getAll');
    expect(find('department', 'getMany')).toBe('department:getAll');
    expect(find('chat', 'getAll', ['chatIds'])).toBe('chat:getAll');
    expect(find('goal', 'getMany')).toBeUndefined();
    expect(find('chat', 'delete')).toBeUndefined();
    expect(find('nothing', 'get')).toBeUndefined();
  });
});
