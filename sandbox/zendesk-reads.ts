// The Zendesk Chat read endpoints besides chats, agents and the account: bans, goals, roles,
// routing settings, shortcuts, skills, triggers, visitors, departments by name, and the agent
// timeline, conversion and department event exports. Shapes as public sources show them (see
// lib/providers/zendesk-chat/catalog.ts); the data comes from zendesk-data.ts.
import { positiveInt, sendJson } from './http-util';
import type { Ctx } from './router';
import type { TokenRecord } from './tokens';
import { accountData, firstIndexFrom, type Timeline } from './zendesk-data';

export interface ApiCtx {
  /** Absolute API base URL, e.g. http://127.0.0.1:1234/zendesk/api/v2/chat */
  base: string;
  record: TokenRecord;
}

export type ApiHandler = (ctx: Ctx, api: ApiCtx) => void;

export const MAX_INCREMENTAL_LIMIT = 1000;
const MAX_BANS_LIMIT = 1000;
const DEFAULT_BANS_LIMIT = 10;

export function notFound(ctx: Ctx, what: string): void {
  sendJson(ctx.res, 404, { error: 'not_found', description: `${what} not found` });
}

export function badRequest(ctx: Ctx, description: string): void {
  sendJson(ctx.res, 400, { error: 'bad_request', description });
}

/**
 * `fields=<resource>(*)` → null (whole objects); `<resource>(a,b)` → those fields; a missing
 * parameter → `whenMissing`; anything else → undefined (a 400).
 */
export function parseFields(value: string | null, resource: string, whenMissing: string[] | null): string[] | null | undefined {
  if (value === null || value === '') return whenMissing;
  const m = new RegExp(`^${resource}\\((.*)\\)$`).exec(value.trim());
  if (!m) return undefined;
  const list = m[1].split(',').map((s) => s.trim()).filter((s) => s !== '');
  return list.includes('*') || list.length === 0 ? null : list;
}

function pickFields(item: Record<string, unknown>, fields: string[] | null): Record<string, unknown> {
  return fields ? Object.fromEntries(fields.filter((f) => f in item).map((f) => [f, item[f]])) : item;
}

interface ExportSpec<T> {
  /** Path below the API base and the answer's list key, e.g. `agent_timeline`. */
  key: string;
  unit: 'seconds' | 'microseconds';
  /** With an id in the sort key the answer carries `end_id` and takes `start_id`; without one it pages on the time alone. */
  withEndId: boolean;
  /** What items carry without `fields=…(*)` (the docs: "only the id"). */
  keyFields: string[];
  timeline(ctx: Ctx): Timeline<T>;
}

/**
 * An incremental export besides chats: `start_time` (default 0) in the export's unit, `limit` up to
 * 1000, `fields`. With ids (conversions): `start_id`, `end_id`, and `end_time` = the last item's
 * time. Without (agent timeline, department events: whether the real answers have `end_id` is not
 * confirmed): `end_time` = the last item's time + 1 unit, the next page starts there.
 */
function incrementalExport<T extends object>(spec: ExportSpec<T>) {
  return (ctx: Ctx, api: ApiCtx): void => {
    const q = ctx.url.searchParams;
    const startTime = positiveInt(q.get('start_time'), 0);
    if (startTime === null) return badRequest(ctx, `start_time must be a Unix time in ${spec.unit}`);
    const startId = spec.withEndId ? q.get('start_id') || null : null;
    const limit = positiveInt(q.get('limit'), MAX_INCREMENTAL_LIMIT);
    if (limit === null || limit < 1 || limit > MAX_INCREMENTAL_LIMIT) return badRequest(ctx, `limit must be between 1 and ${MAX_INCREMENTAL_LIMIT}`);
    const fieldsParam = q.get('fields');
    const fields = parseFields(fieldsParam, spec.key, spec.keyFields);
    if (fields === undefined) return badRequest(ctx, `fields must look like ${spec.key}(*) or ${spec.key}(field,…)`);

    const timeline = spec.timeline(ctx);
    const from = firstIndexFrom(timeline, startTime, startId, startId === null);
    const to = Math.min(timeline.size, from + limit);
    const items: Array<Record<string, unknown>> = [];
    for (let i = from; i < to; i++) items.push(pickFields(timeline.at(i) as Record<string, unknown>, fields));
    const last = to > from ? timeline.keyAt(to - 1) : undefined;
    const endTime = last ? (spec.withEndId ? last.time : last.time + 1) : startTime;
    const endId = spec.withEndId ? (last ? last.id : startId) : undefined;
    const next = new URLSearchParams({ start_time: String(endTime) });
    if (endId) next.set('start_id', endId);
    next.set('limit', String(limit));
    if (fieldsParam) next.set('fields', fieldsParam);
    const body: Record<string, unknown> = { [spec.key]: items, count: items.length };
    if (spec.withEndId) body.end_id = endId ?? null;
    body.end_time = endTime;
    body.next_page = `${api.base}/incremental/${spec.key}?${next}`;
    sendJson(ctx.res, 200, body);
  };
}

/** `GET /bans`: since_id (inclusive) / max_id cursors, `limit` (default 10, at most 1000), answered as `{ip_address:[…], visitor:[…]}`. */
function listBans(ctx: Ctx): void {
  const q = ctx.url.searchParams;
  const sinceId = positiveInt(q.get('since_id'), 0);
  const maxId = positiveInt(q.get('max_id'), Number.MAX_SAFE_INTEGER);
  const limit = positiveInt(q.get('limit'), DEFAULT_BANS_LIMIT);
  if (sinceId === null || maxId === null) return badRequest(ctx, 'since_id and max_id must be non-negative integers');
  if (limit === null || limit < 1 || limit > MAX_BANS_LIMIT) return badRequest(ctx, `limit must be between 1 and ${MAX_BANS_LIMIT}`);
  const page = accountData(ctx.state.dataset).bans.filter((b) => b.id >= sinceId && b.id <= maxId).slice(0, limit);
  sendJson(ctx.res, 200, { ip_address: page.filter((b) => b.type === 'ip_address'), visitor: page.filter((b) => b.type === 'visitor') });
}

/** A list answered as a bare array, and its items by a key (404 when there is none). */
function collection<T extends Record<string, unknown>>(what: string, list: (ctx: Ctx) => T[], key: (item: T) => string, param = 'id') {
  return {
    list: (ctx: Ctx) => sendJson(ctx.res, 200, list(ctx)),
    one: (ctx: Ctx) => {
      const item = list(ctx).find((i) => key(i) === ctx.params[param]);
      if (!item) return notFound(ctx, `${what} ${ctx.params[param]}`);
      sendJson(ctx.res, 200, item);
    },
  };
}

export function mountZendeskReads(get: (path: string, handler: ApiHandler) => void): void {
  const data = (ctx: Ctx) => accountData(ctx.state.dataset);

  const bans = collection('Ban', (ctx) => data(ctx).bans as unknown as Array<Record<string, unknown>>, (b) => String(b.id));
  get('/bans', listBans);
  get('/bans/:id', bans.one);

  const departmentsByName = collection('Department', (ctx) => ctx.state.dataset.departments as unknown as Array<Record<string, unknown>>, (d) => String(d.name), 'name');
  get('/departments/name/:name', departmentsByName.one);

  for (const [path, what, list, key, param] of [
    ['goals', 'Goal', (ctx: Ctx) => data(ctx).goals, (g: Record<string, unknown>) => String(g.id), 'id'],
    ['roles', 'Role', (ctx: Ctx) => data(ctx).roles, (r: Record<string, unknown>) => String(r.id), 'id'],
    ['shortcuts', 'Shortcut', (ctx: Ctx) => data(ctx).shortcuts, (s: Record<string, unknown>) => String(s.name), 'name'],
    ['skills', 'Skill', (ctx: Ctx) => data(ctx).skills, (s: Record<string, unknown>) => String(s.id), 'id'],
    ['triggers', 'Trigger', (ctx: Ctx) => data(ctx).triggers, (t: Record<string, unknown>) => String(t.name), 'name'],
  ] as const) {
    const c = collection(what, list as (ctx: Ctx) => Array<Record<string, unknown>>, key, param);
    get(`/${path}`, c.list);
    if (path === 'skills') get('/skills/name/:name', collection('Skill', (ctx) => data(ctx).skills, (s) => s.name, 'name').one);
    get(`/${path}/:${param}`, c.one);
  }

  // {"data": {...}}: the wrapper public connectors read this answer with
  get('/routing_settings/account', (ctx) => sendJson(ctx.res, 200, { data: data(ctx).routingSettings }));

  get('/visitors/:id', (ctx) => {
    const visitor = data(ctx).visitor(ctx.params.id);
    if (!visitor) return notFound(ctx, `Visitor ${ctx.params.id}`);
    sendJson(ctx.res, 200, visitor);
  });

  get('/incremental/agent_timeline', incrementalExport({ key: 'agent_timeline', unit: 'microseconds', withEndId: false, keyFields: ['agent_id', 'start_time'], timeline: (ctx) => data(ctx).agentTimeline }));
  get('/incremental/conversions', incrementalExport({ key: 'conversions', unit: 'seconds', withEndId: true, keyFields: ['id'], timeline: (ctx) => data(ctx).conversions }));
  get('/incremental/department_events', incrementalExport({ key: 'department_events', unit: 'seconds', withEndId: false, keyFields: ['id'], timeline: (ctx) => data(ctx).departmentEvents }));
}
