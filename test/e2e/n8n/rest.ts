// What the tests that drive a running n8n server share: the server script's typed face, the REST API
// as the editor uses it, n8n's execution-data format, and a sign-in at the sandbox that yields the
// tokens n8n would store after "Connect".
import { DEFAULT_CLIENTS, type Sandbox } from '../../../sandbox';

export interface N8nServer {
  url: string;
  stop(): Promise<void>;
  output(): string;
}

export const n8nServerScript = require('../../../scripts/n8n.js') as {
  ensureN8n(): { dir: string; bin: string; version: string };
  createUserFolder(dir?: string): string;
  n8nEnv(userFolder: string, extra?: Record<string, string>): Promise<NodeJS.ProcessEnv>;
  startN8nServer(n8n: { bin: string }, env: NodeJS.ProcessEnv, options?: { maxLifetimeMs?: number; readyTimeoutMs?: number }): Promise<N8nServer>;
  stopAll(): void;
};

/** The REST API as the editor uses it: JSON, every cookie n8n sets (auth, OAuth browser binding), a browser id. */
export class N8nRest {
  private readonly cookies = new Map<string, string>();
  /** Every response body, for the leak check. */
  readonly seen: string[] = [];

  constructor(
    readonly base: string,
    private readonly browserId = 'e2e-test-browser',
  ) {}

  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }

  /** A request with the session's cookies; the body is returned as text (and kept for the leak check). */
  async raw(method: string, url: string, body?: unknown): Promise<{ status: number; text: string; headers: Headers }> {
    const res = await fetch(url.startsWith('http') ? url : `${this.base}${url}`, {
      method,
      redirect: 'manual',
      headers: {
        'content-type': 'application/json',
        'browser-id': this.browserId,
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    this.keep(res);
    const text = await res.text();
    this.seen.push(text);
    return { status: res.status, text, headers: res.headers };
  }

  /** A REST call that must succeed: its `data`. */
  async call<T = unknown>(method: string, route: string, body?: unknown): Promise<T> {
    const { status, text } = await this.raw(method, `/rest${route}`, body);
    if (status < 200 || status >= 300) throw new Error(`${method} /rest${route}: HTTP ${status}: ${text.slice(0, 500)}`);
    try {
      return (JSON.parse(text) as { data: T }).data;
    } catch {
      throw new Error(`${method} /rest${route}: HTTP ${status}, not JSON: ${text.slice(0, 200)}`);
    }
  }

  /** Sets up the owner account and signs in as it. */
  async signIn(owner: { email: string; firstName: string; lastName: string; password: string }): Promise<{ email: string }> {
    await this.call('POST', '/owner/setup', owner);
    return this.call<{ email: string }>('POST', '/login', { emailOrLdapLoginId: owner.email, password: owner.password });
  }
}

/** Parses n8n's execution data (the `flatted` format: an array of values, references are index strings). */
export function unflatten(text: string): Record<string, unknown> {
  const input = JSON.parse(text) as unknown[];
  const revived = new Set<unknown>();
  const revive = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object' || revived.has(value)) return value;
    revived.add(value);
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      const entry = object[key];
      object[key] = typeof entry === 'string' ? revive(input[Number(entry)]) : entry;
    }
    return value;
  };
  return revive(input[0]) as Record<string, unknown>;
}

/**
 * A real authorization code flow at the sandbox (its consent auto-approved): the tokens n8n would
 * store. Client authentication as each provider wants it: Basic for Deployteq, the body for Zendesk.
 */
export async function sandboxCodeTokens(sandbox: Sandbox, provider: 'deployteq' | 'zendesk', scope: string): Promise<Record<string, unknown>> {
  const client = DEFAULT_CLIENTS[provider][0];
  const redirectUri = 'http://127.0.0.1:9/rest/oauth2-credential/callback';
  const authorize = new URL(sandbox.endpoints[provider].authorize);
  authorize.search = new URLSearchParams({ client_id: client.clientId, response_type: 'code', redirect_uri: redirectUri, scope, state: 's1', ...(provider === 'zendesk' ? { subdomain: 'acme' } : {}) }).toString();
  const consent = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(String(consent.headers.get('location'))).searchParams.get('code');
  if (!code) throw new Error(`the ${provider} sandbox gave no authorization code (consent: HTTP ${consent.status})`);
  const params: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: redirectUri };
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (provider === 'deployteq') {
    const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
    headers.authorization = `Basic ${Buffer.from(`${enc(client.clientId)}:${enc(client.clientSecret!)}`).toString('base64')}`;
  } else Object.assign(params, { client_id: client.clientId, client_secret: client.clientSecret! });
  const res = await fetch(sandbox.endpoints[provider].token, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
  if (res.status !== 200) throw new Error(`the ${provider} sandbox refused the code: HTTP ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}
