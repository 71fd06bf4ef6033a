// The Zendesk Chat node's properties are derived from the shared catalog, follow n8n's node
// conventions (which the community lint cannot check in built arrays), keep the names and defaults
// saved workflows rely on, and the runner reads exactly the fields the properties declare.
import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { ZendeskChatApi } from '../../../lib/providers/zendesk-chat/api';
import { ZENDESK_CHAT_CATALOG, type ZendeskChatOperation } from '../../../lib/providers/zendesk-chat/catalog';
import { ZendeskChat } from '../../../nodes/ZendeskChat/ZendeskChat.node';
import { zendeskChatProperties } from '../../../nodes/ZendeskChat/resources/properties';
import { findOperation, runOperation } from '../../../nodes/ZendeskChat/resources/run';

const properties = zendeskChatProperties();
const node = new ZendeskChat();
const shownFor = (p: INodeProperties, resource: string, operation: string) =>
  !!p.displayOptions?.show?.resource?.includes(resource) && (!p.displayOptions.show.operation || p.displayOptions.show.operation.includes(operation));
const SMALL = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to']);
const titleCase = (text: string) => text.split(' ').every((w, i) => (i > 0 && SMALL.has(w)) || /^[A-Z0-9]/.test(w));
const sorted = (names: string[]) => [...names].sort((a, b) => a.localeCompare(b));

describe('Zendesk Chat node properties from the catalog', () => {
  it('the node uses them and stays usable as a tool', () => {
    const names = node.description.properties.map((p) => p.name);
    expect(names).toEqual(['authentication', ...properties.map((p) => p.name), 'options']);
    expect(node.description.usableAsTool).toBe(true);
  });

  it('one resource option per catalog resource, one operation option per catalog entry, with its action', () => {
    const resource = properties.find((p) => p.name === 'resource') as INodeProperties;
    expect((resource.options as INodePropertyOptions[]).map((o) => o.value).sort()).toEqual([...new Set(ZENDESK_CHAT_CATALOG.map((op) => op.resource))].sort());
    for (const op of ZENDESK_CHAT_CATALOG) {
      const selector = properties.filter((p) => p.name === 'operation' && shownFor(p, op.resource, op.operation));
      expect(selector).toHaveLength(1);
      const option = (selector[0].options as INodePropertyOptions[]).find((o) => o.value === op.operation);
      expect(option).toEqual({ name: op.name, value: op.operation, action: op.action, description: op.description });
    }
  });

  it.each(ZENDESK_CHAT_CATALOG.map((op) => [`${op.resource}:${op.operation}`, op] as const))('%s: its parameters are its fields', (_key, op: ZendeskChatOperation) => {
    const visible = properties.filter((p) => p.name !== 'resource' && p.name !== 'operation' && shownFor(p, op.resource, op.operation));
    const required = op.params.filter((p) => p.required).map((p) => p.name);
    const optional = op.params.filter((p) => !p.required).map((p) => p.name);
    const listed = op.returns === 'list' && !op.params.some((p) => p.kind === 'list');
    expect(visible.map((p) => p.name).sort()).toEqual([...required, ...(optional.length ? ['additionalFields'] : []), ...(listed ? ['returnAll', 'limit'] : [])].sort());
    for (const p of visible.filter((v) => required.includes(v.name))) expect(p.required).toBe(true);
    const additional = visible.find((p) => p.name === 'additionalFields');
    expect(((additional?.options ?? []) as INodeProperties[]).map((p) => p.name).sort()).toEqual([...optional].sort());
  });

  it('follows n8n\'s conventions: sorted options, Title Case names, Return All and Limit, descriptions', () => {
    const all: INodeProperties[] = properties.flatMap((p) => [p, ...((p.type === 'collection' ? p.options : []) as INodeProperties[])]);
    for (const p of properties.filter((q) => q.type === 'options')) {
      const names = (p.options as INodePropertyOptions[]).map((o) => o.name);
      expect(names).toEqual(sorted(names));
      expect(p.noDataExpression).toBe(true);
      for (const o of p.options as INodePropertyOptions[]) {
        expect(titleCase(o.name)).toBe(true);
        if (p.name === 'operation') expect(o.action).toMatch(/^[A-Z][^.]*[^.]$/);
      }
    }
    for (const p of properties.filter((q) => q.type === 'collection')) {
      const names = (p.options as INodeProperties[]).map((o) => o.displayName);
      expect(names).toEqual(sorted(names));
      expect(p).toMatchObject({ displayName: 'Additional Fields', placeholder: 'Add Field', default: {} });
    }
    for (const p of all) {
      expect(titleCase(p.displayName)).toBe(true);
      if (p.description) {
        expect(p.description).not.toMatch(/\.$/);
        expect(p.description).not.toMatch(/\b(id|Id|ids)\b/);
      }
      if (p.type === 'boolean') expect(p.description).toMatch(/^Whether /);
      if (p.name === 'returnAll') expect(p).toMatchObject({ displayName: 'Return All', default: false, description: 'Whether to return all results or only up to a given limit' });
      if (p.name === 'limit') expect(p).toMatchObject({ displayName: 'Limit', type: 'number', default: 50, typeOptions: { minValue: 1 }, description: 'Max number of results to return' });
      if (p.name === 'email') expect(p.placeholder).toBe('name@email.com');
    }
  });

  it('keeps what saved workflows rely on: names, types, defaults', () => {
    const resource = properties.find((p) => p.name === 'resource') as INodeProperties;
    expect(resource.default).toBe('chat');
    const defaults = Object.fromEntries(properties.filter((p) => p.name === 'operation').map((p) => [p.displayOptions?.show?.resource?.[0], p.default]));
    expect(defaults).toMatchObject({ chat: 'getAll', agent: 'getAll', department: 'getAll', account: 'get' });
    const one = (name: string, resource: string, operation: string) => properties.find((p) => p.name === name && shownFor(p, resource, operation));
    expect(one('chatId', 'chat', 'get')).toMatchObject({ type: 'string', required: true });
    expect(one('agentId', 'agent', 'get')).toMatchObject({ type: 'string', required: true });
    expect(one('departmentId', 'department', 'get')).toMatchObject({ type: 'string', required: true });
    expect(one('query', 'chat', 'search')).toMatchObject({ type: 'string', required: true });
    expect(one('startTime', 'chat', 'incrementalExport')).toMatchObject({ type: 'dateTime', required: true, default: '' });
    for (const [resource, operation] of [['chat', 'getAll'], ['chat', 'search'], ['chat', 'incrementalExport'], ['agent', 'getAll'], ['department', 'getAll']]) {
      expect(one('returnAll', resource, operation)).toBeDefined();
    }
  });
});

describe('the runner reads what the properties declare', () => {
  function context(parameters: IDataObject): IExecuteFunctions {
    return { getNodeParameter: (name: string, _i: number, fallback?: unknown) => (name in parameters ? parameters[name] : fallback) } as unknown as IExecuteFunctions;
  }
  async function runWith(resource: string, operation: string, parameters: IDataObject) {
    const calls: unknown[][] = [];
    const api = { run: async (...args: unknown[]) => (calls.push(args), []) } as unknown as ZendeskChatApi;
    const op = findOperation(resource, operation) as ZendeskChatOperation;
    await runOperation.call(context(parameters), api, op, 0);
    const [called, values, options] = calls[0] as [ZendeskChatOperation, IDataObject, IDataObject];
    return { key: `${called.resource}:${called.operation}`, values, options };
  }

  it('required fields, additional fields, Return All and Limit', async () => {
    expect(await runWith('chat', 'incrementalExport', { startTime: '2024-05-01T00:00:00Z', additionalFields: { startId: 'x.1' }, returnAll: false, limit: 7 })).toEqual({
      key: 'chat:incrementalExport',
      values: { startTime: '2024-05-01T00:00:00Z', startId: 'x.1', fields: undefined },
      options: { limit: 7 },
    });
    expect(await runWith('agent', 'getByEmail', { email: 'a@b.test', returnAll: true, limit: 3 })).toEqual({ key: 'agent:getByEmail', values: { email: 'a@b.test' }, options: { limit: undefined } });
    expect((await runWith('ban', 'getAll', { returnAll: true })).options).toEqual({ limit: undefined });
    expect((await runWith('ban', 'getAll', {})).options).toEqual({ limit: 50 });
    expect((await runWith('chat', 'getByIds', { chatIds: 'a,b', limit: 1 })).options).toEqual({ limit: undefined });
  });

  it('unknown operations are not found; names of earlier versions are', () => {
    expect(findOperation('chat', 'delete')).toBeUndefined();
    expect(findOperation('chat', 'getMany')?.operation).toBe('getAll');
  });
});
