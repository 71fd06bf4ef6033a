// A headless "browser" for authorization-code tests: follows redirects by hand (redirect: 'manual'),
// keeps a small per-host cookie jar, and stops at the first redirect to the client's callback.
// Works with any authorization server that completes its interactions with plain GET redirects
// (the oidc-provider test server, sandboxes that auto-approve, ...).

export interface FollowAuthorizeOptions {
  /** Maximum number of requests made. Default 20. */
  maxHops?: number;
  /** Cookie jar to use (share it between calls to keep an SSO session). Default: a fresh jar. */
  jar?: CookieJar;
  /** Extra request headers sent on every hop. */
  headers?: Record<string, string>;
  /** Per-request timeout in ms. Default 10 000. */
  timeoutMs?: number;
}

/** Minimal cookie jar: name=value per host; honours deletion (Max-Age<=0 or past Expires). */
export class CookieJar {
  private readonly hosts = new Map<string, Map<string, string>>();

  store(url: URL, setCookieHeaders: string[]): void {
    for (const header of setCookieHeaders) {
      const [pair, ...attrs] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let expired = value === '';
      for (const attr of attrs) {
        const [rawKey, ...rest] = attr.split('=');
        const key = rawKey.trim().toLowerCase();
        const attrValue = rest.join('=').trim();
        if (key === 'max-age' && Number(attrValue) <= 0) expired = true;
        if (key === 'expires') {
          const at = Date.parse(attrValue);
          if (!Number.isNaN(at) && at <= Date.now()) expired = true;
        }
      }
      let cookies = this.hosts.get(url.host);
      if (!cookies) {
        cookies = new Map();
        this.hosts.set(url.host, cookies);
      }
      if (expired) cookies.delete(name);
      else cookies.set(name, value);
    }
  }

  header(url: URL): string | undefined {
    const cookies = this.hosts.get(url.host);
    if (!cookies || cookies.size === 0) return undefined;
    return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  clear(): void {
    this.hosts.clear();
  }
}

function getSetCookies(headers: Headers): string[] {
  const withGetter = headers as Headers & { getSetCookie?: () => string[] };
  if (typeof withGetter.getSetCookie === 'function') return withGetter.getSetCookie();
  const single = headers.get('set-cookie');
  return single ? [single] : [];
}

/** Describe a final non-redirect response without echoing anything token-like. */
async function describeStop(res: Response): Promise<string> {
  let detail = '';
  try {
    if ((res.headers.get('content-type') ?? '').includes('json')) {
      const body = (await res.json()) as { error?: unknown; error_description?: unknown };
      if (typeof body.error === 'string') {
        detail = ` error=${body.error}`;
        if (typeof body.error_description === 'string') {
          detail += ` (${body.error_description.slice(0, 200)})`;
        }
      }
    } else {
      await res.body?.cancel();
    }
  } catch {
    // ignore unreadable bodies
  }
  return detail;
}

function redactedPath(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/**
 * Starts at authorizeUrl and follows 3xx Location headers (relative ones resolved against the
 * current URL) until a Location starts with redirectUriPrefix; that URL (with code/state/iss or
 * error) is returned without being requested. Throws if the chain ends anywhere else.
 */
export async function followAuthorize(
  authorizeUrl: string,
  redirectUriPrefix: string,
  opts: FollowAuthorizeOptions = {},
): Promise<URL> {
  const maxHops = opts.maxHops ?? 20;
  const jar = opts.jar ?? new CookieJar();
  const timeoutMs = opts.timeoutMs ?? 10_000;

  if (authorizeUrl.startsWith(redirectUriPrefix)) return new URL(authorizeUrl);

  let current = new URL(authorizeUrl);
  for (let hop = 1; hop <= maxHops; hop += 1) {
    const headers: Record<string, string> = { accept: 'text/html,application/json', ...opts.headers };
    const cookie = jar.header(current);
    if (cookie) headers.cookie = cookie;

    let res: Response;
    try {
      res = await fetch(current, {
        method: 'GET',
        redirect: 'manual',
        headers,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new Error(
        `followAuthorize: request ${hop} to ${redactedPath(current)} failed: ${(err as Error).message}`,
        { cause: err },
      );
    }
    jar.store(current, getSetCookies(res.headers));

    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      const next = new URL(location, current);
      if (next.href.startsWith(redirectUriPrefix)) return next;
      current = next;
      continue;
    }

    const detail = await describeStop(res);
    throw new Error(
      `followAuthorize: stopped at ${redactedPath(current)} with HTTP ${res.status} after ${hop} hop(s)`
        + ` without reaching ${redirectUriPrefix}${detail}`,
    );
  }
  throw new Error(
    `followAuthorize: gave up after ${maxHops} hops (last ${redactedPath(current)}) without reaching ${redirectUriPrefix}`,
  );
}

/**
 * The user's side of a device authorization (RFC 8628) at the oidc-provider test server: opens the
 * verification URI (complete, with the user code) and submits each page's form (the user code, then
 * the confirmation), following the redirects through the (auto-approving) interactions until a page
 * has no form. Returns that page's text.
 */
export async function confirmDevice(verificationUriComplete: string, opts: FollowAuthorizeOptions = {}): Promise<string> {
  const jar = opts.jar ?? new CookieJar();
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const request = async (url: URL, init: RequestInit = {}): Promise<Response> => {
    const cookie = jar.header(url);
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs), ...init, headers: { accept: 'text/html', ...(cookie ? { cookie } : {}), ...(init.headers as Record<string, string>) } });
    jar.store(url, getSetCookies(res.headers));
    return res;
  };
  let url = new URL(verificationUriComplete);
  let res = await request(url);
  for (let hop = 0; hop < (opts.maxHops ?? 20); hop++) {
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      url = new URL(res.headers.get('location') as string, url);
      res = await request(url);
      continue;
    }
    const text = await res.text();
    if (res.status !== 200) throw new Error(`confirmDevice: stopped at ${redactedPath(url)} with HTTP ${res.status}`);
    const form = /<form([^>]*)>([\s\S]*?)<\/form>/.exec(text);
    const action = form && /method="post"/i.test(form[1]) ? /action="([^"]+)"/.exec(form[1]) : null;
    if (!form || !action) return text;
    const fields = new URLSearchParams();
    for (const input of form[2].matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"[^>]*>/g)) fields.set(input[1], input[2].replace(/&amp;/g, '&'));
    url = new URL(action[1], url);
    res = await request(url, { method: 'POST', body: fields.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }
  throw new Error('confirmDevice: too many steps');
}
