/**
 * Pushed authorization requests (RFC 9126): the authorization request's parameters go to the
 * server in a client-authenticated POST, and the browser is sent to the authorization endpoint with
 * only `client_id` and the `request_uri` the server answered, so nothing of the request can be read
 * or changed on its way through the browser.
 */
import type { PendingAuthorization } from './authorize';
import { postToEndpoint } from './endpoint-post';
import { OAuth2Error } from './errors';
import type { TokenRequestContext } from './token-request';

/** The same pending authorization, its URL now carrying only `client_id` and the pushed request's `request_uri`. */
export async function pushAuthorizationRequest(ctx: TokenRequestContext, endpoint: string, request: PendingAuthorization): Promise<PendingAuthorization> {
  const url = new URL(request.url);
  const params = Object.fromEntries(url.searchParams);
  const answer = await postToEndpoint(ctx, endpoint, 'The pushed authorization request URL', params, 'authorize');
  if (typeof answer.request_uri !== 'string' || !answer.request_uri) {
    throw new OAuth2Error({ code: 'invalid_response', phase: 'authorize', description: 'the pushed authorization request answer has no request_uri' });
  }
  const target = new URL(`${url.origin}${url.pathname}`);
  target.searchParams.set('client_id', ctx.config.client.clientId);
  target.searchParams.set('request_uri', answer.request_uri);
  return { ...request, url: target.toString() };
}
