// The HTTP server: routing, error handling, and the never-a-token-in-the-URL rule.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mountAdmin } from './admin';
import { mountDeployteq } from './deployteq';
import { mountGeneric } from './generic';
import { HttpError, InvalidInputError, sendJson } from './http-util';
import { Router, type Ctx } from './router';
import type { SandboxState } from './state';
import { mountZendesk } from './zendesk-chat';

const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/;

export function buildRouter(): Router {
  const router = new Router();
  mountAdmin(router);
  mountDeployteq(router);
  mountZendesk(router);
  mountGeneric(router);
  return router;
}

function baseUrlFor(req: IncomingMessage, st: SandboxState): string {
  const host = req.headers.host;
  return host && LOOPBACK_HOST.test(host) ? `http://${host}` : st.baseUrl;
}

function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof HttpError) sendJson(res, err.status, { error: err.status === 413 ? 'payload_too_large' : 'bad_request', message: err.message }, { Connection: 'close' });
  else if (err instanceof InvalidInputError) sendJson(res, 400, { error: 'invalid_request', message: err.message });
  else sendJson(res, 500, { error: 'server_error', message: 'Internal sandbox error' });
}

export function createSandboxServer(st: SandboxState): Server {
  const router = buildRouter();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    let url: URL;
    try {
      url = new URL(target.startsWith('/') ? `http://127.0.0.1${target}` : target);
    } catch {
      throw new HttpError(400, 'Malformed request target');
    }
    const method = req.method ?? 'GET';
    // Only method and path: query strings can carry codes and states.
    if (st.config.logRequests) console.log(`[sandbox] ${method} ${url.pathname}`);

    if (!url.pathname.startsWith('/_sandbox/') && url.searchParams.has('access_token')) {
      st.counters.tokensInUrl++;
      req.resume();
      sendJson(res, 400, { error: 'invalid_request', error_description: 'Access tokens must not be sent in the URL query: use the Authorization header' });
      return;
    }
    const match = router.match(method, url.pathname);
    if (match.kind === 'none') {
      req.resume();
      sendJson(res, 404, { error: 'not_found', message: `No sandbox endpoint at ${method} ${url.pathname}` });
      return;
    }
    if (match.kind === 'method') {
      req.resume();
      sendJson(res, 405, { error: 'method_not_allowed', message: `Use ${match.allowed.join(', ')}` }, { Allow: match.allowed.join(', ') });
      return;
    }
    const ctx: Ctx = { req, res, url, params: match.params, state: st, baseUrl: baseUrlFor(req, st) };
    await match.handler(ctx);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!(err instanceof HttpError) && !(err instanceof InvalidInputError)) {
        // A sandbox bug: report the message only (never request data).
        console.error('[sandbox] internal error:', err instanceof Error ? err.message : String(err));
      }
      sendError(res, err);
    });
  });
  server.keepAliveTimeout = 5_000;
  return server;
}
