// The admin API under /_sandbox/ (JSON) and the index at GET /.
import { publicConfig } from './config';
import { endpoints } from './endpoints';
import { HttpError, readBody, sendHtml, sendJson } from './http-util';
import { indexPage } from './pages';
import type { Ctx, Router } from './router';
import { PROVIDERS, type ProviderId } from './types';

async function readJson(ctx: Ctx): Promise<unknown> {
  const text = (await readBody(ctx.req)).toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'The body must be JSON');
  }
}

function providerOf(body: unknown): ProviderId | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const provider = (body as Record<string, unknown>).provider;
  if (provider === undefined || provider === null || provider === 'any') return undefined;
  if (!(PROVIDERS as readonly unknown[]).includes(provider)) throw new HttpError(400, `provider must be one of ${PROVIDERS.join(', ')}`);
  return provider as ProviderId;
}

export function indexData(ctx: Ctx): Record<string, unknown> {
  return {
    name: 'OAuth2 provider sandbox',
    endpoints: endpoints(ctx.baseUrl),
    defaultClientIds: { deployteq: 'dt-client', zendesk: 'zd-client', generic: ['gen-client', 'gen-public (public, PKCE)'] },
    note: 'Client secrets and test users are documented in sandbox/README.md.',
  };
}

export function mountAdmin(router: Router): void {
  router.add('GET', '/', (ctx) => {
    const data = indexData(ctx);
    if ((ctx.req.headers.accept ?? '').includes('text/html')) sendHtml(ctx.res, 200, indexPage(data));
    else sendJson(ctx.res, 200, data);
  });
  router.add('GET', '/_sandbox/counters', (ctx) => sendJson(ctx.res, 200, ctx.state.counters));
  router.add('GET', '/_sandbox/deliveries', (ctx) => sendJson(ctx.res, 200, ctx.state.deliveries));
  router.add('GET', '/_sandbox/config', (ctx) => sendJson(ctx.res, 200, publicConfig(ctx.state.config)));
  router.add('GET', '/_sandbox/tokens', (ctx) => sendJson(ctx.res, 200, ctx.state.tokens.stats()));
  router.add('POST', '/_sandbox/reset', async (ctx) => {
    await readBody(ctx.req);
    ctx.state.reset();
    sendJson(ctx.res, 200, { ok: true });
  });
  router.add('POST', '/_sandbox/configure', async (ctx) => {
    const body = await readJson(ctx);
    if (typeof body === 'object' && body !== null && ('port' in body || 'maxLifetimeMs' in body)) {
      throw new HttpError(400, 'port and maxLifetimeMs can only be set when starting the sandbox');
    }
    ctx.state.configure(body);
    sendJson(ctx.res, 200, { ok: true, config: publicConfig(ctx.state.config) });
  });
  router.add('GET', '/_sandbox/faults', (ctx) => sendJson(ctx.res, 200, ctx.state.faults.snapshot()));
  router.add('POST', '/_sandbox/faults', async (ctx) => {
    const queued = ctx.state.faults.add(await readJson(ctx));
    sendJson(ctx.res, 200, { ok: true, queued, pending: ctx.state.faults.snapshot() });
  });
  router.add('DELETE', '/_sandbox/faults', (ctx) => {
    ctx.req.resume();
    ctx.state.faults.clear();
    sendJson(ctx.res, 200, { ok: true });
  });
  router.add('POST', '/_sandbox/revoke', async (ctx) => {
    const revoked = ctx.state.tokens.revokeAll(providerOf(await readJson(ctx)));
    sendJson(ctx.res, 200, { ok: true, revoked });
  });
  router.add('POST', '/_sandbox/expire', async (ctx) => {
    const expired = ctx.state.tokens.expireAccess(providerOf(await readJson(ctx)));
    sendJson(ctx.res, 200, { ok: true, expired });
  });
  router.add('POST', '/_sandbox/chats', async (ctx) => {
    const body = await readJson(ctx);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'The body must be a JSON object (partial chat)');
    sendJson(ctx.res, 201, ctx.state.dataset.addChat(body));
  });
}
