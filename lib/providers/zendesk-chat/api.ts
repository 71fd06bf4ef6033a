import { RETRY_STATUSES } from '../../oauth2/failure';
import { safeUrl } from '../../oauth2/urls';
import { jsonOrThrow, ProviderApiError, type AuthorizedFetch } from '../http-json';
import type { SlidingWindowLimiter } from '../rate-limiter';
import { findZendeskChatOperation, type ZendeskChatOperation, type ZendeskChatParam } from './catalog';

export type Chat = Record<string, unknown> & { id: string };

export interface IncrementalPage {
  chats: Chat[];
  count: number;
  endTime?: number;
  endId?: string;
}

/** One page of a catalog list operation. `endTime`/`endId`: where an incremental export ended (in its own unit). */
export interface ZendeskChatPage {
  items: unknown[];
  count: number;
  endTime?: number;
  endId?: string;
}

export interface ZendeskChatApiOptions {
  /** Client-side limiter (Zendesk allows 200 requests per minute per account). */
  limiter?: SlidingWindowLimiter;
  signal?: AbortSignal;
}

/** Parameter values of a catalog operation, by parameter name. */
export type ZendeskChatValues = Record<string, unknown>;

export interface ZendeskChatRunOptions {
  /** The most items a list operation returns (all when undefined). */
  limit?: number;
  /** Items per request of a paged list (default: the catalog's, or `limit` when smaller). */
  pageSize?: number;
}

const PROVIDER = 'Zendesk Chat';
const PAGE_GUARD = 1_000_000;

/**
 * Zendesk Chat REST API v2 over an authorized fetch (the engine's token manager or a host
 * adapter). `run`/`pages`/`request` execute any entry of the operation catalog; the named methods
 * below are shorthands for the common ones. Follows `next_url` only on the API's own origin, so the
 * token never leaves for another host.
 */
export class ZendeskChatApi {
  private readonly base: URL;

  constructor(private readonly client: AuthorizedFetch, apiBaseUrl: string, private readonly options: ZendeskChatApiOptions = {}) {
    this.base = new URL(apiBaseUrl.replace(/\/+$/, '') + '/');
  }

  /** Status of the last answer (the page a `next_url` came from). */
  private lastStatus = 200;

  /** GET a path relative to the API base (or an absolute next-page URL on the same origin). */
  async get(pathOrUrl: string, query: Record<string, string | number | undefined> = {}): Promise<unknown> {
    const url = this.resolve(pathOrUrl);
    for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
    await this.options.limiter?.acquire();
    // a read: a gateway's error is repeated too, in both hosts
    const response = await this.client.fetch({ url: url.toString(), headers: { accept: 'application/json' }, signal: this.options.signal, retryStatuses: RETRY_STATUSES.read });
    this.lastStatus = response.status;
    return jsonOrThrow(PROVIDER, response, this.client);
  }

  private resolve(pathOrUrl: unknown): URL {
    return resolveApiUrl(this.base, pathOrUrl, this.lastStatus);
  }

  // ---- the generic executor -------------------------------------------------------------------

  /**
   * Runs a catalog operation: an object operation resolves to the object, a list operation to the
   * items of every page (up to `limit`).
   */
  async run(operation: ZendeskChatOperation | string, values: ZendeskChatValues = {}, options: ZendeskChatRunOptions = {}): Promise<unknown> {
    const op = catalogEntry(operation);
    if (op.returns === 'object') return this.request(op, values);
    const pageSize = options.pageSize ?? pageSizeFor(op, options.limit);
    return collect(itemsOf(this.pages(op, values, { pageSize })), options.limit);
  }

  /** One request of an object operation; the object, unwrapped from `objectKey` when the answer has it. */
  async request(operation: ZendeskChatOperation | string, values: ZendeskChatValues = {}): Promise<unknown> {
    const op = catalogEntry(operation);
    const { path, query } = buildRequest(op, values);
    const body = await this.get(path, query);
    if (op.objectKey && body && typeof body === 'object' && !Array.isArray(body) && isObject((body as Record<string, unknown>)[op.objectKey])) {
      return (body as Record<string, unknown>)[op.objectKey];
    }
    return body;
  }

  /** Pages of a list operation, continued as the catalog's paging kind says. */
  async *pages(operation: ZendeskChatOperation | string, values: ZendeskChatValues = {}, options: { pageSize?: number } = {}): AsyncGenerator<ZendeskChatPage> {
    const op = catalogEntry(operation);
    const { path, query } = buildRequest(op, values);
    const paging = op.paging;
    switch (paging.kind) {
      case 'none': {
        const items = listOf(await this.get(path, query), op);
        yield { items, count: items.length };
        return;
      }
      case 'next_url':
      case 'search': {
        let body = (await this.get(path, query)) as { next_url?: unknown } | undefined;
        for (let guard = 0; guard < PAGE_GUARD; guard++) {
          const items = listOf(body, op);
          yield { items, count: items.length };
          const next = body && typeof body === 'object' ? body.next_url : undefined;
          if (next === undefined || next === null || next === '') return;
          body = (await this.get(next as string)) as typeof body;
        }
        return;
      }
      case 'since_id': {
        const pageSize = checkPageSize(options.pageSize ?? paging.pageSize, paging.maxPageSize);
        let sinceId: number | undefined;
        for (let guard = 0; guard < PAGE_GUARD; guard++) {
          const items = listOf(await this.get(path, { ...query, since_id: sinceId, limit: pageSize }), op);
          yield { items, count: items.length };
          if (items.length < pageSize) return;
          const ids = items.map((item) => Number((item as { id?: unknown })?.id)).filter((id) => Number.isSafeInteger(id));
          if (!ids.length) return;
          const next = Math.max(...ids) + 1;
          if (sinceId !== undefined && next <= sinceId) return; // no progress: stop rather than loop
          sinceId = next;
        }
        return;
      }
      case 'incremental': {
        const pageSize = checkPageSize(options.pageSize ?? paging.pageSize, paging.maxPageSize);
        let startTime = query.start_time as number;
        let startId = query.start_id as string | undefined;
        for (let guard = 0; guard < PAGE_GUARD; guard++) {
          const body = (await this.get(path, { ...query, start_time: startTime, start_id: startId, limit: pageSize })) as Record<string, unknown> | undefined;
          const items = listOf(body, op);
          const count = typeof body?.count === 'number' ? body.count : items.length;
          const endTime = typeof body?.end_time === 'number' ? body.end_time : undefined;
          const endId = body?.end_id === undefined || body?.end_id === null ? undefined : String(body.end_id);
          yield { items, count, endTime, endId };
          if (count < pageSize || endTime === undefined) return;
          if (endTime === startTime && endId === startId) return; // no progress: stop rather than loop
          startTime = endTime;
          startId = endId;
        }
        return;
      }
    }
  }

  // ---- shorthands -----------------------------------------------------------------------------

  account(): Promise<unknown> {
    return this.request('account:get');
  }

  async getChat(id: string): Promise<Chat> {
    return (await this.request('chat:get', { chatId: requireId(id, 'chat ID') })) as Chat;
  }

  /** `GET /chats?ids=a,b`: accepts `docs` as an object keyed by id or as an array. */
  async getChats(ids: string[]): Promise<Chat[]> {
    const clean = ids.map((id) => requireId(id, 'chat ID'));
    if (!clean.length) return [];
    return (await this.run('chat:getByIds', { chatIds: clean })) as Chat[];
  }

  /** Pages of `GET /chats`, following `next_url`. */
  async *chatPages(): AsyncGenerator<Chat[]> {
    for await (const page of this.pages('chat:getAll')) yield page.items as Chat[];
  }

  /** Pages of search results (`GET /chats/search?q=`), following `next_url`. */
  async *searchPages(query: string): AsyncGenerator<Array<Record<string, unknown>>> {
    if (!String(query ?? '').trim()) throw new TypeError(`${PROVIDER}: the search query is empty`);
    for await (const page of this.pages('chat:search', { query })) yield page.items as Array<Record<string, unknown>>;
  }

  /**
   * Incremental export (`GET /incremental/chats`): continues with `start_time=end_time` and
   * `start_id=end_id` until a page has fewer than `limit` chats.
   */
  async *incrementalPages(options: { startTime: number; startId?: string; limit?: number; fields?: string }): AsyncGenerator<IncrementalPage> {
    if (!Number.isFinite(options.startTime) || options.startTime < 0) throw new RangeError(`${PROVIDER}: the start time must be a Unix time in seconds`);
    const values = { startTime: Math.floor(options.startTime), startId: options.startId, fields: options.fields };
    for await (const page of this.pages('chat:incrementalExport', values, { pageSize: options.limit ?? 1000 })) {
      yield { chats: page.items as Chat[], count: page.count, endTime: page.endTime, endId: page.endId };
    }
  }

  /** Agents, paged with `since_id = last id + 1`. */
  async *agentPages(pageSize = 100): AsyncGenerator<Array<Record<string, unknown>>> {
    for await (const page of this.pages('agent:getAll', {}, { pageSize })) yield page.items as Array<Record<string, unknown>>;
  }

  getAgent(id: string): Promise<unknown> {
    return this.request('agent:get', { agentId: id });
  }

  me(): Promise<unknown> {
    return this.request('agent:getMe');
  }

  getAgentByEmail(email: string): Promise<unknown> {
    return this.request('agent:getByEmail', { email });
  }

  departments(): Promise<unknown> {
    return this.run('department:getAll');
  }

  getDepartment(id: string): Promise<unknown> {
    return this.request('department:get', { departmentId: id });
  }
}

/** A catalog entry, or `resource:operation` looked up in the catalog (aliases included). */
function catalogEntry(operation: ZendeskChatOperation | string): ZendeskChatOperation {
  if (typeof operation !== 'string') return operation;
  const [resource, name] = operation.split(':');
  const op = findZendeskChatOperation(resource, name ?? '');
  if (!op) throw new TypeError(`${PROVIDER}: there is no operation "${name}" of "${resource}"`);
  return op;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function pageSizeFor(op: ZendeskChatOperation, limit: number | undefined): number | undefined {
  const paging = op.paging;
  if (paging.kind !== 'incremental' && paging.kind !== 'since_id') return undefined;
  return limit !== undefined && limit >= 1 && limit < paging.pageSize ? Math.floor(limit) : paging.pageSize;
}

function checkPageSize(pageSize: number, max: number): number {
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > max) throw new RangeError(`${PROVIDER}: the page size must be 1-${max}`);
  return pageSize;
}

async function* itemsOf(pages: AsyncIterable<ZendeskChatPage>): AsyncGenerator<unknown[]> {
  for await (const page of pages) yield page.items;
}

/** The list in an answer: under `listKey` (an object keyed by id counts as its values), or the answer itself. */
function listOf(body: unknown, op: ZendeskChatOperation): unknown[] {
  const keys = op.listKey === undefined ? [] : Array.isArray(op.listKey) ? op.listKey : [op.listKey];
  const kept = (value: unknown) => value !== null && value !== undefined;
  if (Array.isArray(body)) return body.filter(kept);
  if (!keys.length) {
    if (body === undefined || body === null || body === '') return [];
    throw new ProviderApiError(PROVIDER, 200, `the API answered ${op.path} with something that is not a list`, undefined);
  }
  const out: unknown[] = [];
  for (const key of keys) {
    const value = isObject(body) ? body[key] : undefined;
    if (Array.isArray(value)) out.push(...value.filter(kept));
    else if (isObject(value)) out.push(...Object.values(value).filter(kept));
  }
  return out;
}

/** Unix seconds of a time value: a Date, ISO text, or a number (seconds; milliseconds and microseconds told apart by size). */
export function unixSecondsOf(value: unknown, what = 'start time'): number {
  let seconds: number;
  if (value instanceof Date) seconds = value.getTime() / 1000;
  else if (typeof value === 'number' || (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value))) {
    const n = Number(value);
    seconds = n >= 1e14 ? n / 1e6 : n >= 1e11 ? n / 1e3 : n;
  } else if (value && typeof value === 'object' && typeof (value as { toMillis?: unknown }).toMillis === 'function') {
    seconds = (value as { toMillis(): number }).toMillis() / 1000; // a Luxon DateTime
  } else seconds = Date.parse(String(value)) / 1000;
  if (!Number.isFinite(seconds) || seconds < 0) throw new TypeError(`${PROVIDER}: the ${what} is not a valid date or Unix time`);
  return seconds;
}

/** "Chat ID" → "chat ID": a label inside a sentence. */
function lowerLabel(param: ZendeskChatParam): string {
  return param.label
    .split(' ')
    .map((word) => (/^IDs?$/.test(word) ? word : word.toLowerCase()))
    .join(' ');
}

function present(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.some((v) => present(v));
  return true;
}

/** A parameter's value as sent: trimmed text, a number, a time in the operation's unit, or a comma-joined list. */
function wireValue(op: ZendeskChatOperation, param: ZendeskChatParam, value: unknown): string | number {
  const label = lowerLabel(param);
  switch (param.kind) {
    case 'list': {
      const parts = (Array.isArray(value) ? value : String(value).split(/[\s,]+/)).map((v) => String(v ?? '').trim()).filter((v) => v !== '');
      return parts.join(',');
    }
    case 'number': {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new TypeError(`${PROVIDER}: the ${label} is not a number`);
      return n;
    }
    case 'dateTime': {
      const seconds = unixSecondsOf(value, label);
      return op.paging.kind === 'incremental' && op.paging.unit === 'microseconds' ? Math.round(seconds * 1e6) : Math.floor(seconds);
    }
    default:
      return String(value).trim();
  }
}

/** The path (parameters encoded) and query of a catalog operation; missing required values are a TypeError. */
export function buildRequest(op: ZendeskChatOperation, values: ZendeskChatValues): { path: string; query: Record<string, string | number | undefined> } {
  let path = op.path;
  const query: Record<string, string | number | undefined> = {};
  for (const param of op.params) {
    const given = values[param.name];
    const value = present(given) ? given : param.default;
    const wire = present(value) ? wireValue(op, param, value) : '';
    if (wire === '') {
      if (param.required || param.where === 'path') throw new TypeError(`${PROVIDER}: the ${lowerLabel(param)} ${/s$/.test(param.label) ? 'are' : 'is'} empty`);
      continue;
    }
    if (param.where === 'path') {
      const text = String(wire);
      if (text === '.' || text === '..') throw new TypeError(`${PROVIDER}: "${text}" is not a valid ${lowerLabel(param)}`);
      path = path.split(`{${param.name}}`).join(encodeURIComponent(text));
    } else {
      query[param.key ?? param.name] = wire;
    }
  }
  return { path, query };
}

/**
 * An API path, or a page link (`next_url`) the API returned, resolved against the API base: only
 * on the API's own origin, so the token never leaves for another host. Anything else is a
 * `ProviderApiError` carrying `status`, the status of the answer the link came in.
 */
export function resolveApiUrl(base: URL, pathOrUrl: unknown, status: number): URL {
  const bad = (what: string) => new ProviderApiError(PROVIDER, status, `the API answered with ${what}`, undefined);
  if (typeof pathOrUrl !== 'string' || !pathOrUrl.trim()) throw bad('a page link that is not a string');
  let url: URL;
  try {
    url = /^[a-z][a-z0-9+.-]*:/i.test(pathOrUrl) ? new URL(pathOrUrl) : new URL(pathOrUrl.replace(/^\/+/, ''), base);
  } catch {
    throw bad('a page link that is not a valid URL');
  }
  if (url.origin !== base.origin) throw bad(`a page link to another host (${safeUrl(url.origin)}); it is not followed`);
  return url;
}

function requireId(value: string, what: string): string {
  const trimmed = String(value ?? '').trim();
  if (!trimmed) throw new TypeError(`${PROVIDER}: the ${what} is empty`);
  return trimmed;
}

/** Collects up to `limit` items from an async generator of pages (all when limit is undefined). */
export async function collect<T>(pages: AsyncIterable<T[]>, limit?: number): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) {
    for (const item of page) {
      if (limit !== undefined && out.length >= limit) return out;
      out.push(item);
    }
    if (limit !== undefined && out.length >= limit) return out;
  }
  return out;
}
