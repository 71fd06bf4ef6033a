import { safeUrl } from '../../oauth2/urls';
import { jsonOrThrow, ProviderApiError, type AuthorizedFetch } from '../http-json';
import type { SlidingWindowLimiter } from '../rate-limiter';

export type Chat = Record<string, unknown> & { id: string };

export interface IncrementalPage {
  chats: Chat[];
  count: number;
  endTime?: number;
  endId?: string;
}

export interface ZendeskChatApiOptions {
  /** Client-side limiter (Zendesk allows 200 requests per minute per account). */
  limiter?: SlidingWindowLimiter;
  signal?: AbortSignal;
}

const PROVIDER = 'Zendesk Chat';

/**
 * Zendesk Chat REST API v2 over an authorized fetch (the engine's token manager or a host
 * adapter). Follows `next_url` / `next_page` only on the API's own origin, so the token never
 * leaves for another host.
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
    const response = await this.client.fetch({ url: url.toString(), headers: { accept: 'application/json' }, signal: this.options.signal });
    this.lastStatus = response.status;
    return jsonOrThrow(PROVIDER, response, this.client);
  }

  private resolve(pathOrUrl: unknown): URL {
    return resolveApiUrl(this.base, pathOrUrl, this.lastStatus);
  }

  account(): Promise<unknown> {
    return this.get('account');
  }

  async getChat(id: string): Promise<Chat> {
    return (await this.get(`chats/${encodeURIComponent(requireId(id, 'chat ID'))}`)) as Chat;
  }

  /** `GET /chats?ids=a,b`: accepts `docs` as an object keyed by id or as an array. */
  async getChats(ids: string[]): Promise<Chat[]> {
    const clean = ids.map((id) => requireId(id, 'chat ID'));
    if (!clean.length) return [];
    const body = (await this.get('chats', { ids: clean.join(',') })) as { docs?: unknown };
    const docs = body?.docs;
    const list = Array.isArray(docs) ? docs : docs && typeof docs === 'object' ? Object.values(docs) : [];
    return list.filter((c): c is Chat => !!c && typeof c === 'object');
  }

  /** Pages of `GET /chats`, following `next_url`. */
  async *chatPages(): AsyncGenerator<Chat[]> {
    let next: string | null | undefined = 'chats';
    for (let guard = 0; next && guard < 1_000_000; guard++) {
      const body = (await this.get(next)) as { chats?: Chat[]; next_url?: string | null };
      yield body.chats ?? [];
      next = body.next_url;
    }
  }

  /** Pages of search results (`GET /chats/search?q=`), following `next_url`. */
  async *searchPages(query: string): AsyncGenerator<Array<Record<string, unknown>>> {
    if (!query.trim()) throw new TypeError(`${PROVIDER}: the search query is empty`);
    let body = (await this.get('chats/search', { q: query })) as { results?: Array<Record<string, unknown>>; next_url?: string | null };
    for (let guard = 0; guard < 1_000_000; guard++) {
      yield body.results ?? [];
      if (!body.next_url) return;
      body = (await this.get(body.next_url)) as typeof body;
    }
  }

  /**
   * Incremental export (`GET /incremental/chats`): continues with `start_time=end_time` and
   * `start_id=end_id` until a page has fewer than `limit` chats.
   */
  async *incrementalPages(options: { startTime: number; startId?: string; limit?: number; fields?: string }): AsyncGenerator<IncrementalPage> {
    const limit = options.limit ?? 1000;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new RangeError(`${PROVIDER}: the page size must be 1-1000`);
    if (!Number.isFinite(options.startTime) || options.startTime < 0) throw new RangeError(`${PROVIDER}: the start time must be a Unix time in seconds`);
    let startTime = Math.floor(options.startTime);
    let startId = options.startId;
    for (let guard = 0; guard < 1_000_000; guard++) {
      const body = (await this.get('incremental/chats', { start_time: startTime, start_id: startId, limit, fields: options.fields })) as {
        chats?: Chat[]; count?: number; end_time?: number; end_id?: string;
      };
      const chats = body.chats ?? [];
      const page: IncrementalPage = { chats, count: body.count ?? chats.length, endTime: body.end_time, endId: body.end_id };
      yield page;
      if (page.count < limit || page.endTime === undefined) return;
      if (page.endTime === startTime && page.endId === startId) return; // no progress: stop rather than loop
      startTime = page.endTime;
      startId = page.endId;
    }
  }

  /** Agents, paged with `since_id = last id + 1`. */
  async *agentPages(pageSize = 100): AsyncGenerator<Array<Record<string, unknown>>> {
    let sinceId: number | undefined;
    for (let guard = 0; guard < 100_000; guard++) {
      const agents = (await this.get('agents', { since_id: sinceId, limit: pageSize })) as Array<Record<string, unknown>>;
      const list = Array.isArray(agents) ? agents : [];
      yield list;
      if (list.length < pageSize) return;
      sinceId = Number(list[list.length - 1].id) + 1;
    }
  }

  getAgent(id: string): Promise<unknown> {
    return this.get(`agents/${encodeURIComponent(requireId(id, 'agent ID'))}`);
  }

  me(): Promise<unknown> {
    return this.get('agents/me');
  }

  getAgentByEmail(email: string): Promise<unknown> {
    return this.get(`agents/email/${encodeURIComponent(requireId(email, 'agent email'))}`);
  }

  departments(): Promise<unknown> {
    return this.get('departments');
  }

  getDepartment(id: string): Promise<unknown> {
    return this.get(`departments/${encodeURIComponent(requireId(id, 'department ID'))}`);
  }
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
