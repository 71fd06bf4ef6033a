// The Zendesk Chat REST API v2: account, chats (list, get, get many, search, incremental export),
// agents and departments here; bans, goals, roles, routing settings, shortcuts, skills, triggers,
// visitors and the other exports in zendesk-reads.ts. Bearer auth, account rate limit, absolute
// paging URLs.
import { matches, parseSearch, preview } from './chat-search';
import type { Chat } from './data';
import { positiveInt, sendJson } from './http-util';
import { applyResourceFault, requireBearer, requireScope } from './resource-auth';
import type { Ctx, Handler, Router } from './router';
import { badRequest, MAX_INCREMENTAL_LIMIT, mountZendeskReads, notFound, parseFields, type ApiCtx, type ApiHandler } from './zendesk-reads';

const SEARCH_DEPTH_LIMIT = 10_000;
const MAX_AGENTS_LIMIT = 100;

function wrap(base: string, handler: ApiHandler): Handler {
  return (ctx) => {
    const st = ctx.state;
    st.countApi('zendesk');
    ctx.req.resume();
    if (applyResourceFault(ctx, 'zendesk', 'api')) return;
    const record = requireBearer(ctx, 'zendesk', 'api');
    if (!record) return;
    const retryAfter = st.rateLimitRetryAfter();
    const limit = st.config.rateLimit;
    if (retryAfter !== null && limit !== false) {
      st.counters.rateLimited++;
      sendJson(
        ctx.res,
        429,
        { error: 'rate_limited', description: `Too many requests: the account allows ${limit.limit} requests per ${Math.round(limit.windowMs / 1000)} s` },
        { 'Retry-After': String(retryAfter), 'X-Rate-Limit': String(limit.limit), 'X-Rate-Limit-Remaining': '0' },
      );
      return;
    }
    if (limit !== false) {
      ctx.res.setHeader('X-Rate-Limit', String(limit.limit));
      ctx.res.setHeader('X-Rate-Limit-Remaining', String(st.rateLimitRemaining()));
    }
    if (!requireScope(ctx, record, 'read', 'api')) return;
    handler(ctx, { base: ctx.baseUrl + base, record });
  };
}

function listChats(ctx: Ctx, api: ApiCtx): void {
  const q = ctx.url.searchParams;
  const data = ctx.state.dataset;
  const ids = q.get('ids');
  if (ids !== null) {
    const found: Chat[] = [];
    for (const id of ids.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      const chat = data.findById(id);
      if (chat) found.push(chat);
    }
    const docs = ctx.state.config.docsAsArray ? found : Object.fromEntries(found.map((c) => [c.id, c]));
    sendJson(ctx.res, 200, { docs, count: found.length });
    return;
  }
  const limitParam = q.get('limit');
  const pageSize = positiveInt(limitParam, ctx.state.config.chatsPageSize);
  const page = positiveInt(q.get('page'), 1);
  if (pageSize === null || pageSize < 1 || pageSize > 10_000) return badRequest(ctx, 'limit must be an integer between 1 and 10000');
  if (page === null || page < 1) return badRequest(ctx, 'page must be a positive integer');
  const start = (page - 1) * pageSize;
  const end = Math.min(data.size, start + pageSize);
  const chats: Chat[] = [];
  for (let i = start; i < end; i++) chats.push(data.chatAt(i));
  const next = new URLSearchParams({ page: String(page + 1) });
  if (limitParam !== null) next.set('limit', String(pageSize));
  sendJson(ctx.res, 200, { chats, next_url: end < data.size ? `${api.base}/chats?${next}` : null });
}

function getChat(ctx: Ctx): void {
  const chat = ctx.state.dataset.findById(ctx.params.id);
  if (!chat) return notFound(ctx, `Chat ${ctx.params.id}`);
  sendJson(ctx.res, 200, chat);
}

function searchChats(ctx: Ctx, api: ApiCtx): void {
  const q = ctx.url.searchParams.get('q');
  if (!q) return badRequest(ctx, 'The q parameter is required');
  let terms;
  try {
    terms = parseSearch(q);
  } catch (err) {
    return badRequest(ctx, (err as Error).message);
  }
  const page = positiveInt(ctx.url.searchParams.get('page'), 1);
  if (page === null || page < 1) return badRequest(ctx, 'page must be a positive integer');
  const pageSize = ctx.state.config.searchPageSize;
  const start = (page - 1) * pageSize;
  const data = ctx.state.dataset;
  const results: Array<{ id: string; timestamp: string; preview: string; type: string; url: string }> = [];
  let count = 0;
  for (let i = 0; i < data.size; i++) {
    const chat = data.chatAt(i);
    if (!matches(chat, terms)) continue;
    if (count >= start && count < start + pageSize && start < SEARCH_DEPTH_LIMIT) {
      results.push({ id: chat.id, timestamp: chat.timestamp, preview: preview(chat), type: chat.type, url: `${api.base}/chats/${chat.id}` });
    }
    count++;
  }
  const nextStart = start + pageSize;
  const hasNext = nextStart < count && nextStart < SEARCH_DEPTH_LIMIT;
  const next = new URLSearchParams({ q, page: String(page + 1) });
  sendJson(ctx.res, 200, { results, count, next_url: hasNext ? `${api.base}/chats/search?${next}` : null });
}

function incremental(ctx: Ctx, api: ApiCtx): void {
  const q = ctx.url.searchParams;
  const startTime = positiveInt(q.get('start_time'), -1);
  if (startTime === null || startTime < 0) return badRequest(ctx, 'start_time (unix seconds) is required');
  const startId = q.get('start_id') || null;
  const limit = positiveInt(q.get('limit'), MAX_INCREMENTAL_LIMIT);
  if (limit === null || limit < 1 || limit > MAX_INCREMENTAL_LIMIT) return badRequest(ctx, `limit must be between 1 and ${MAX_INCREMENTAL_LIMIT}`);
  const fieldsParam = q.get('fields');
  // without fields the sandbox keeps answering whole chats (the real API: ids only)
  const fields = parseFields(fieldsParam, 'chats', null);
  if (fields === undefined) return badRequest(ctx, 'fields must look like chats(*) or chats(id,update_timestamp,…)');

  const data = ctx.state.dataset;
  const from = data.firstIndexAfter(startTime, startId);
  const to = Math.min(data.size, from + limit);
  const chats: Array<Record<string, unknown>> = [];
  for (let i = from; i < to; i++) {
    const chat = data.chatAt(i);
    const full: Record<string, unknown> = {
      ...chat,
      deleted: false,
      engagements: chat.agent_ids.map((agentId, k) => ({
        id: `${chat.id}.${k + 1}`,
        agent_id: agentId,
        agent_full_name: chat.agent_names[k],
        department_id: chat.department_id,
        timestamp: chat.timestamp,
        duration: chat.duration,
        accepted: true,
        assigned: true,
        started_by: 'visitor',
        rating: chat.rating,
        comment: chat.comment,
        count: chat.count,
        response_time: chat.response_time,
        skills_requested: [],
        skills_fulfilled: true,
      })),
    };
    chats.push(fields ? Object.fromEntries(fields.filter((f) => f in full).map((f) => [f, full[f]])) : full);
  }
  const endTime = to > from ? data.updateSecAt(to - 1) : startTime;
  const endId = to > from ? data.idAt(to - 1) : startId;
  const next = new URLSearchParams({ start_time: String(endTime) });
  if (endId !== null) next.set('start_id', endId);
  next.set('limit', String(limit));
  if (fieldsParam) next.set('fields', fieldsParam);
  sendJson(ctx.res, 200, {
    chats,
    count: chats.length,
    end_id: endId,
    end_time: endTime,
    next_page: `${api.base}/incremental/chats?${next}`,
  });
}

function listAgents(ctx: Ctx): void {
  const q = ctx.url.searchParams;
  const sinceId = positiveInt(q.get('since_id'), 0);
  const limit = positiveInt(q.get('limit'), MAX_AGENTS_LIMIT);
  if (sinceId === null) return badRequest(ctx, 'since_id must be a non-negative integer');
  if (limit === null || limit < 1 || limit > MAX_AGENTS_LIMIT) return badRequest(ctx, `limit must be between 1 and ${MAX_AGENTS_LIMIT}`);
  sendJson(ctx.res, 200, ctx.state.dataset.agents.filter((a) => a.id >= sinceId).slice(0, limit));
}

function agentMe(ctx: Ctx, api: ApiCtx): void {
  const agent = ctx.state.dataset.agentByEmail(api.record.subject);
  if (!agent) return notFound(ctx, 'Agent for this token');
  sendJson(ctx.res, 200, agent);
}

function agentByEmail(ctx: Ctx): void {
  const agent = ctx.state.dataset.agentByEmail(ctx.params.email);
  if (!agent) return notFound(ctx, `Agent ${ctx.params.email}`);
  sendJson(ctx.res, 200, agent);
}

function agentById(ctx: Ctx): void {
  const agent = ctx.state.dataset.agents.find((a) => String(a.id) === ctx.params.id);
  if (!agent) return notFound(ctx, `Agent ${ctx.params.id}`);
  sendJson(ctx.res, 200, agent);
}

function departmentById(ctx: Ctx): void {
  const department = ctx.state.dataset.departments.find((d) => String(d.id) === ctx.params.id);
  if (!department) return notFound(ctx, `Department ${ctx.params.id}`);
  sendJson(ctx.res, 200, department);
}

export function mountZendeskApi(router: Router, base: string): void {
  const get = (path: string, handler: ApiHandler) => router.add('GET', `${base}${path}`, wrap(base, handler));
  get('/account', (ctx) => sendJson(ctx.res, 200, ctx.state.dataset.account()));
  get('/chats/search', searchChats);
  get('/chats', listChats);
  get('/chats/:id', getChat);
  get('/incremental/chats', incremental);
  get('/agents', listAgents);
  get('/agents/me', agentMe);
  get('/agents/email/:email', agentByEmail);
  get('/agents/:id', agentById);
  get('/departments', (ctx) => sendJson(ctx.res, 200, ctx.state.dataset.departments));
  get('/departments/:id', departmentById);
  mountZendeskReads(get);
}
