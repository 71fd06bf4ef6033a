/**
 * Every operation of the Zendesk Chat catalog, run by the engine's API class (`ZendeskChatApi.run`)
 * against the sandbox through a password-grant token: the request it sends (path, encoding, query,
 * paging) and what it makes of the answer. A catalog entry without a case here fails the first test.
 */
import { TokenManager } from '../../lib/oauth2/token-manager';
import type { ApiRequest } from '../../lib/oauth2/authorized-client';
import { ProviderApiError } from '../../lib/providers/http-json';
import { zendeskChatOAuth2Config } from '../../lib/providers/zendesk-chat';
import { ZendeskChatApi, type ZendeskChatRunOptions, type ZendeskChatValues } from '../../lib/providers/zendesk-chat/api';
import { ZENDESK_CHAT_CATALOG } from '../../lib/providers/zendesk-chat/catalog';
import { DEFAULT_CLIENTS, DEFAULT_USERS, startSandbox, type Sandbox } from '../../sandbox';

type Obj = Record<string, unknown>;
type List = Obj[];

let sb: Sandbox;
let api: ZendeskChatApi;
/** URLs the API class sent, relative to the API base. */
let sent: string[];
let apiBase: string;

beforeAll(async () => {
  sb = await startSandbox({ consent: 'auto-approve', maxLifetimeMs: 10 * 60_000, rateLimit: false });
  const zd = DEFAULT_CLIENTS.zendesk[0];
  const user = DEFAULT_USERS.zendesk;
  const { apiBaseUrl, ...config } = zendeskChatOAuth2Config({ clientId: zd.clientId, clientSecret: zd.clientSecret, subdomain: 'acme', baseUrl: `${sb.url}/zendesk`, scopes: ['read'] });
  apiBase = apiBaseUrl;
  const manager = new TokenManager({ config, grant: { type: 'password', username: user.email, password: user.password } });
  const recording = {
    fetch: (request: ApiRequest) => {
      sent.push(request.url.slice(apiBase.length));
      return manager.fetch(request);
    },
    redact: (text: string) => manager.redact(text),
  };
  api = new ZendeskChatApi(recording, apiBaseUrl);
});
afterAll(() => sb?.close());
beforeEach(() => {
  sent = [];
});

const run = async (key: string, values: ZendeskChatValues = {}, options: ZendeskChatRunOptions = {}) => {
  const before = sent.length;
  const result = await api.run(key, values, options);
  return { result, requests: sent.slice(before) };
};
const list = async (key: string, values: ZendeskChatValues = {}, options: ZendeskChatRunOptions = {}) => {
  const { result, requests } = await run(key, values, options);
  expect(Array.isArray(result)).toBe(true);
  return { items: result as List, requests };
};
const one = async (key: string, values: ZendeskChatValues = {}) => {
  const { result, requests } = await run(key, values);
  expect(result && typeof result === 'object' && !Array.isArray(result)).toBe(true);
  expect(requests).toHaveLength(1);
  return { item: result as Obj, request: requests[0] };
};
const ids = (items: List) => items.map((i) => i.id);
const query = (request: string) => new URL(request, 'http://x').searchParams;
const ascending = (values: number[]) => values.every((v, i) => i === 0 || v > values[i - 1]);

const CASES: Record<string, () => Promise<void>> = {
  'account:get': async () => {
    const { item, request } = await one('account:get');
    expect(request).toBe('/account');
    expect(item).toMatchObject({ account_key: 'acme-sandbox-account', status: 'active', plan: expect.any(Object) });
  },

  'agent:get': async () => {
    const agents = (await api.run('agent:getAll')) as List;
    const { item, request } = await one('agent:get', { agentId: String(agents[3].id) });
    expect(request).toBe(`/agents/${agents[3].id}`);
    expect(item.id).toBe(agents[3].id);
  },
  'agent:getAll': async () => {
    const { items, requests } = await list('agent:getAll', {}, { pageSize: 5 });
    expect(items).toHaveLength(12);
    expect(new Set(ids(items)).size).toBe(12);
    // since_id = highest id + 1 on every next page; stop after the short one
    expect(requests.map((r) => query(r).get('since_id'))).toEqual([null, String(Number(items[4].id) + 1), String(Number(items[9].id) + 1)]);
    expect((await list('agent:getAll', {}, { limit: 3 })).requests.map((r) => query(r).get('limit'))).toEqual(['3']);
  },
  'agent:getByEmail': async () => {
    const { item, request } = await one('agent:getByEmail', { email: DEFAULT_USERS.zendesk.email });
    expect(request).toBe('/agents/email/agent%40acme.test');
    expect(item.email).toBe(DEFAULT_USERS.zendesk.email);
  },
  'agent:getMe': async () => {
    const { item, request } = await one('agent:getMe');
    expect(request).toBe('/agents/me');
    expect(item).toMatchObject({ email: DEFAULT_USERS.zendesk.email, display_name: 'Alex Agent' });
  },

  'agentTimeline:incrementalExport': async () => {
    const { items, requests } = await list('agentTimeline:incrementalExport', { startTime: 0 }, { pageSize: 40 });
    expect(items).toHaveLength(12 * 8);
    expect(requests).toHaveLength(3);
    expect(requests.every((r) => query(r).get('fields') === 'agent_timeline(*)')).toBe(true);
    expect(items.every((e) => typeof e.start_time === 'string' && /\.\d{6}Z$/.test(e.start_time as string) && typeof e.status === 'string' && typeof e.duration === 'number')).toBe(true);
    const micros = items.map((e) => Date.parse(e.start_time as string) * 1000 + Number((e.start_time as string).slice(-4, -1)));
    expect(ascending(micros)).toBe(true);
    // the start time goes out in microseconds, from a Date, seconds or ISO text alike
    const from = new Date(Date.parse(items[50].start_time as string));
    const later = await list('agentTimeline:incrementalExport', { startTime: from });
    expect(query(later.requests[0]).get('start_time')).toBe(String(from.getTime() * 1000));
    expect(later.items.length).toBeGreaterThanOrEqual(items.length - 51);
    expect(later.items.length).toBeLessThan(items.length);
    const sameFromSeconds = await list('agentTimeline:incrementalExport', { startTime: from.getTime() / 1000 });
    expect(query(sameFromSeconds.requests[0]).get('start_time')).toBe(String(from.getTime() * 1000));
  },

  'ban:get': async () => {
    const bans = (await api.run('ban:getAll')) as List;
    const visitorBan = bans.find((b) => b.type === 'visitor') as Obj;
    const { item, request } = await one('ban:get', { banId: String(visitorBan.id) });
    expect(request).toBe(`/bans/${visitorBan.id}`);
    expect(item).toEqual(visitorBan);
  },
  'ban:getAll': async () => {
    const { items, requests } = await list('ban:getAll', {}, { pageSize: 4 });
    expect(items).toHaveLength(15);
    expect(requests).toHaveLength(4);
    expect(new Set(ids(items)).size).toBe(15);
    expect(new Set(items.map((b) => b.type))).toEqual(new Set(['ip_address', 'visitor']));
    expect(items.filter((b) => b.type === 'visitor').every((b) => typeof b.visitor_id === 'string')).toBe(true);
  },

  'chat:get': async () => {
    const [first] = (await api.run('chat:getAll', {}, { limit: 1 })) as List;
    const { item, request } = await one('chat:get', { chatId: first.id });
    expect(request).toBe(`/chats/${first.id}`);
    expect(item).toEqual(first);
  },
  'chat:getAll': async () => {
    const all = await list('chat:getAll');
    expect(all.items).toHaveLength(250);
    expect(new Set(ids(all.items)).size).toBe(250);
    expect(all.requests).toEqual(['/chats', '/chats?page=2', '/chats?page=3', '/chats?page=4', '/chats?page=5']);
    const some = await list('chat:getAll', {}, { limit: 60 });
    expect(some.items).toHaveLength(60);
    expect(some.requests).toHaveLength(2);
  },
  'chat:getByIds': async () => {
    const chosen = ((await api.run('chat:getAll', {}, { limit: 3 })) as List).map((c) => String(c.id));
    const { items, requests } = await list('chat:getByIds', { chatIds: chosen.join(', ') });
    expect(query(requests[0]).get('ids')).toBe(chosen.join(','));
    expect(ids(items).sort()).toEqual([...chosen].sort());
    sb.configure({ docsAsArray: true });
    try {
      expect(ids((await list('chat:getByIds', { chatIds: chosen })).items).sort()).toEqual([...chosen].sort());
    } finally {
      sb.configure({ docsAsArray: false });
    }
  },
  'chat:search': async () => {
    const { items, requests } = await list('chat:search', { query: 'type:chat' });
    expect(items.length).toBeGreaterThan(50);
    expect(requests.length).toBeGreaterThan(1);
    expect(query(requests[0]).get('q')).toBe('type:chat');
    expect(items.every((r) => r.type === 'chat' && typeof r.preview === 'string' && String(r.url).startsWith(apiBase))).toBe(true);
  },
  'chat:incrementalExport': async () => {
    const { items, requests } = await list('chat:incrementalExport', { startTime: '0' }, { pageSize: 100 });
    expect(items).toHaveLength(250);
    expect(requests).toHaveLength(3);
    expect(query(requests[0]).get('fields')).toBe('chats(*)');
    expect(query(requests[1]).get('start_id')).toBe(items[99].id);
    const updated = items.map((c) => Date.parse(c.update_timestamp as string));
    expect(updated).toEqual([...updated].sort((a, b) => a - b));
  },

  'conversion:incrementalExport': async () => {
    const { items, requests } = await list('conversion:incrementalExport', { startTime: 0 }, { pageSize: 10 });
    expect(items).toHaveLength(25);
    expect(requests).toHaveLength(3);
    // this export has end_id: the next page starts after it
    expect(query(requests[1]).get('start_id')).toBe(items[9].id);
    expect(new Set(ids(items)).size).toBe(25);
    const chat = (await api.run('chat:get', { chatId: (items[0].attribution as Obj).chat_id })) as Obj;
    expect(chat.id).toBe((items[0].attribution as Obj).chat_id);
    expect(items[0]).toMatchObject({ goal_id: expect.any(Number), goal_name: expect.any(String), timestamp: expect.any(String) });
    const narrow = await list('conversion:incrementalExport', { startTime: 0, fields: 'conversions(id,goal_id)' }, { limit: 2 });
    expect(narrow.items.map((c) => Object.keys(c).sort())).toEqual([['goal_id', 'id'], ['goal_id', 'id']]);
  },

  'department:get': async () => {
    const departments = (await api.run('department:getAll')) as List;
    const { item, request } = await one('department:get', { departmentId: departments[1].id });
    expect(request).toBe(`/departments/${departments[1].id}`);
    expect(item).toEqual(departments[1]);
  },
  'department:getAll': async () => {
    const { items, requests } = await list('department:getAll');
    expect(items.map((d) => d.name)).toEqual(['Sales', 'Support', 'Billing', 'Technical']);
    expect(requests).toEqual(['/departments']);
  },
  'department:getByName': async () => {
    const { item, request } = await one('department:getByName', { departmentName: 'Billing' });
    expect(request).toBe('/departments/name/Billing');
    expect(item).toMatchObject({ name: 'Billing', members: expect.any(Array) });
  },

  'departmentEvent:incrementalExport': async () => {
    const { items, requests } = await list('departmentEvent:incrementalExport', { startTime: 0 }, { pageSize: 10 });
    expect(items).toHaveLength(4 * 6);
    expect(requests).toHaveLength(3);
    // no end_id in this answer: the next page starts at end_time alone
    expect(requests.slice(1).every((r) => query(r).get('start_id') === null)).toBe(true);
    expect(new Set(ids(items)).size).toBe(24);
    expect(ascending(items.map((e) => Date.parse(e.timestamp as string)))).toBe(true);
    expect(items.every((e) => typeof e.field_name === 'string' && typeof e.department_id === 'number')).toBe(true);
  },

  'goal:get': async () => {
    const goals = (await api.run('goal:getAll')) as List;
    const { item, request } = await one('goal:get', { goalId: goals[2].id });
    expect(request).toBe(`/goals/${goals[2].id}`);
    expect(item).toEqual(goals[2]);
  },
  'goal:getAll': async () => {
    const { items } = await list('goal:getAll');
    expect(items.map((g) => g.name)).toEqual(['Checkout', 'Newsletter signup', 'Demo request']);
    expect(items[0]).toMatchObject({ attribution_model: 'last_touch', settings: { conditions: [expect.objectContaining({ type: 'url' })] } });
  },

  'role:get': async () => {
    const { item, request } = await one('role:get', { roleId: 2 });
    expect(request).toBe('/roles/2');
    expect(item).toMatchObject({ id: 2, name: 'Agent', members_count: 11 });
  },
  'role:getAll': async () => {
    const { items } = await list('role:getAll');
    expect(items.map((r) => r.name)).toEqual(['Administrator', 'Agent', 'Team lead']);
  },

  'routingSettings:get': async () => {
    const { item, request } = await one('routingSettings:get');
    expect(request).toBe('/routing_settings/account');
    // unwrapped from {"data": …}
    expect(item).toMatchObject({ routing_mode: 'assigned', chat_limit: expect.objectContaining({ limit: 3 }) });
    expect(item.data).toBeUndefined();
  },

  'shortcut:get': async () => {
    const { item, request } = await one('shortcut:get', { shortcutName: 'order-status' });
    expect(request).toBe('/shortcuts/order-status');
    expect(item).toMatchObject({ id: 'order-status', name: 'order-status', options: 'Yes/No' });
  },
  'shortcut:getAll': async () => {
    const { items } = await list('shortcut:getAll');
    expect(ids(items)).toEqual(['goodbye', 'greeting', 'order-status', 'returns']);
  },

  'skill:get': async () => {
    const skills = (await api.run('skill:getAll')) as List;
    const { item, request } = await one('skill:get', { skillId: skills[1].id });
    expect(request).toBe(`/skills/${skills[1].id}`);
    expect(item).toEqual(skills[1]);
  },
  'skill:getAll': async () => {
    const { items } = await list('skill:getAll');
    expect(items.map((s) => s.name)).toEqual(['English', 'Dutch', 'German', 'Billing']);
    const agents = (await api.run('agent:getAll')) as List;
    for (const skill of items) {
      expect(skill.members).toEqual(agents.filter((a) => (a.skills as number[]).includes(skill.id as number)).map((a) => a.id));
    }
  },
  'skill:getByName': async () => {
    const { item, request } = await one('skill:getByName', { skillName: 'German' });
    expect(request).toBe('/skills/name/German');
    expect(item.name).toBe('German');
  },

  'trigger:get': async () => {
    const { item, request } = await one('trigger:get', { triggerName: 'Greet returning visitors' });
    expect(request).toBe('/triggers/Greet%20returning%20visitors');
    expect(item).toMatchObject({ name: 'Greet returning visitors', definition: expect.objectContaining({ event: 'chat_requested' }) });
  },
  'trigger:getAll': async () => {
    const { items } = await list('trigger:getAll');
    expect(items).toHaveLength(3);
    expect(items.every((t) => typeof t.definition === 'object')).toBe(true);
  },

  'visitor:get': async () => {
    const [chat] = (await api.run('chat:getAll', {}, { limit: 1 })) as List;
    const visitor = chat.visitor as Obj;
    const { item, request } = await one('visitor:get', { visitorId: visitor.id });
    expect(request).toBe(`/visitors/${encodeURIComponent(String(visitor.id))}`);
    expect(item).toMatchObject({ id: visitor.id, name: visitor.name, email: visitor.email, banned: expect.any(Boolean) });
    // a banned visitor says so
    const bans = (await api.run('ban:getAll')) as List;
    const banned = bans.find((b) => b.type === 'visitor') as Obj;
    expect(await api.run('visitor:get', { visitorId: banned.visitor_id })).toMatchObject({ id: banned.visitor_id, banned: true });
  },
};

test('every catalog operation has a case here', () => {
  expect(Object.keys(CASES).sort()).toEqual(ZENDESK_CHAT_CATALOG.map((op) => `${op.resource}:${op.operation}`).sort());
});

describe.each(Object.keys(CASES).sort())('%s', (key) => {
  test('against the sandbox', async () => {
    await CASES[key]();
  });
});

describe('the executor', () => {
  test('a missing required value is a TypeError, before anything is sent', async () => {
    await expect(api.run('chat:get', {})).rejects.toThrow(/the chat ID is empty/);
    await expect(api.run('chat:search', { query: '  ' })).rejects.toThrow(/the query is empty/);
    await expect(api.run('chat:getByIds', { chatIds: ' , ' })).rejects.toThrow(/the chat IDs are empty/);
    await expect(api.run('agentTimeline:incrementalExport', { startTime: 'yesterday' })).rejects.toThrow(TypeError);
    await expect(api.run('chat:incrementalExport', { startTime: 0 }, { pageSize: 1001 })).rejects.toThrow(RangeError);
    expect(sent).toEqual([]);
  });

  test('path values are encoded and cannot climb out of their path', async () => {
    await expect(api.run('chat:get', { chatId: '..' })).rejects.toThrow(TypeError);
    await expect(api.run('agent:get', { agentId: '../account' })).rejects.toMatchObject({ status: 404 });
    expect(sent).toEqual(['/agents/..%2Faccount']);
  });

  test('API errors are ProviderApiErrors with the status', async () => {
    const error = (await api.run('goal:get', { goalId: 1 }).catch((e: unknown) => e)) as ProviderApiError;
    expect(error).toBeInstanceOf(ProviderApiError);
    expect(error.status).toBe(404);
  });

  test('aliases of earlier versions run the same operation', async () => {
    expect(await api.run('chat:getMany', {}, { limit: 2 })).toHaveLength(2);
    expect(sent).toEqual(['/chats']);
    expect(((await api.run('chat:incremental', { startTime: 0 }, { limit: 5 })) as List).length).toBe(5);
    await expect(api.run('chat:nope')).rejects.toThrow(/no operation "nope"/);
  });
});
