/**
 * A client-authenticated form POST to one of the server's endpoints other than the token endpoint
 * (device authorization, pushed authorization requests): the configured client authentication
 * (`auto` as its first candidate; a JWT assertion names the token endpoint), the request's retry
 * on 429/503, a bounded JSON answer, and the server's own error code when it refuses.
 */
import { jsonObjectOf, TOKEN_RESPONSE_MAX_BYTES } from './body';
import { applyClientAuth, clientAuthParts } from './client-auth';
import { OAuth2Error, type OAuth2Phase } from './errors';
import { RETRY_STATUSES } from './failure';
import { hostOf, transportOf } from './host';
import type { Redactor } from './redact';
import { resolveRetry, sendWithRetry } from './send';
import type { TokenRequestContext } from './token-request';
import { checkEndpointUrl } from './urls';

export async function postToEndpoint(ctx: TokenRequestContext, endpoint: string, what: string, params: Record<string, string>, phase: OAuth2Phase): Promise<Record<string, unknown>> {
  const { config } = ctx;
  checkEndpointUrl(endpoint, what, { allowHttpHosts: config.allowHttpHosts });
  const body = { ...params };
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' };
  applyClientAuth(clientAuthParts(config.client, config.tokenUrl, (ctx.now ?? Date.now)(), config.client.method ?? 'auto'), headers, body);
  ctx.redactor?.add(body.client_assertion);
  const response = await sendWithRetry(
    { url: endpoint, method: 'POST', headers, body: new URLSearchParams(body).toString(), maxResponseBytes: TOKEN_RESPONSE_MAX_BYTES },
    { transport: transportOf(ctx.transport, ctx.host), timeoutMs: config.timeoutMs ?? 30_000, retry: resolveRetry(config.retry), retryStatuses: RETRY_STATUSES.notProcessed, phase, redactor: ctx.redactor, host: hostOf(ctx.host) },
  );
  const answer = jsonObjectOf(response.body);
  if (response.status < 200 || response.status > 299) throw refusal(response.status, answer, phase, what, ctx.redactor);
  if (!answer) throw new OAuth2Error({ code: 'invalid_response', status: response.status, phase, description: `${what} did not answer with a JSON object` });
  return answer;
}

/** A server's refusal of a non-token endpoint request: its own error code and description, else the status. */
export function refusal(status: number, answer: Record<string, unknown> | undefined, phase: OAuth2Phase, what: string, redactor?: Redactor): OAuth2Error {
  const code = typeof answer?.error === 'string' ? answer.error : 'http_error';
  const description = typeof answer?.error_description === 'string' ? answer.error_description : `${what} answered HTTP ${status}`;
  return new OAuth2Error({ code, status, phase, description }, redactor);
}
