/**
 * RFC 7009 token revocation: tells the authorization server to invalidate a refresh token (and with
 * it, at most servers, the whole grant) and an access token. The endpoint comes from the
 * configuration or from the server's RFC 8414 metadata (`revocation_endpoint`). The client
 * authenticates as on token requests.
 */
import { TOKEN_RESPONSE_MAX_BYTES } from './body';
import { applyClientAuth, clientAuthCandidates, clientAuthParts } from './client-auth';
import { OAuth2ConfigError, OAuth2Error, OAuth2ProtocolError, OAuth2ResponseError } from './errors';
import { transportOf } from './host';
import { lookUpMetadata } from './metadata';
import type { ClientAuthState, TokenRequestContext } from './token-request';
import { lowerKeys } from './token-request';
import { parseTokenBody } from './token-response';
import { RETRY_STATUSES } from './failure';
import { sendWithRetry } from './send';
import type { TokenSet } from './types';
import { checkEndpointUrl, safeUrl } from './urls';

export interface RevocationResult {
  /** The revocation endpoint used; undefined when none was. */
  endpoint?: string;
  /** Which tokens the server confirmed revoked. */
  revoked: Array<'refresh_token' | 'access_token'>;
  /** Why revocation did not (fully) happen, secret-free. */
  error?: OAuth2Error;
  /**
   * Why nothing was sent: there were no tokens, the server has no revocation endpoint, or its
   * metadata could not be read (`error` says why) or named another issuer.
   */
  skipped?: 'no_tokens' | 'no_endpoint' | 'metadata_unreachable' | 'issuer_mismatch';
}

type EndpointLookup = { endpoint: string } | Pick<RevocationResult, 'skipped' | 'error'>;

/**
 * The revocation endpoint: configured, or from the server's metadata. A metadata endpoint on another
 * origin than the token URL is not used (the client credentials would follow it there): configure
 * it explicitly instead.
 */
export async function revocationEndpoint(ctx: TokenRequestContext): Promise<EndpointLookup> {
  if (ctx.config.revocationUrl) return { endpoint: ctx.config.revocationUrl };
  const lookup = await lookUpMetadata({ ...ctx.config, discovery: ctx.config.discovery ?? true }, transportOf(ctx.transport, ctx.host), ctx.host);
  if (lookup.kind === 'unreachable') {
    return { skipped: 'metadata_unreachable', error: new OAuth2ResponseError({ code: 'metadata_unreachable', phase: 'token', description: `the server's metadata (${safeUrl(lookup.url)}) could not be read (${lookup.reason}), so its revocation endpoint is unknown` }, ctx.redactor) };
  }
  if (lookup.kind === 'issuer_mismatch') {
    return { skipped: 'issuer_mismatch', error: new OAuth2ConfigError(`the server's metadata (${safeUrl(lookup.url)}) names the issuer ${lookup.issuer}, not ${ctx.config.issuer ? safeUrl(ctx.config.issuer) : 'the issuer of that metadata location'} (RFC 8414 §3.3): it is not used`) };
  }
  const found = lookup.kind === 'found' ? lookup.metadata.revocationEndpoint : undefined;
  if (found === undefined) return { skipped: 'no_endpoint' };
  let origin: string | undefined;
  try {
    origin = new URL(found).origin;
  } catch {
    origin = undefined;
  }
  if (origin !== new URL(ctx.config.tokenUrl).origin) {
    return { error: new OAuth2ConfigError(`the server's metadata names a revocation endpoint on another origin (${origin ?? 'not a URL'}) than the token URL: the client credentials are not sent there; set the revocation URL in the settings to use it`) };
  }
  return { endpoint: found };
}

/** Revokes the refresh token first (it ends the grant at most servers), then the access token. */
export async function revokeTokens(ctx: TokenRequestContext, tokens: TokenSet): Promise<RevocationResult> {
  if (!tokens.refreshToken && !tokens.accessToken) return { revoked: [], skipped: 'no_tokens' };
  let lookup: EndpointLookup;
  try {
    lookup = await revocationEndpoint(ctx);
  } catch (error) {
    return { revoked: [], error: error as OAuth2Error };
  }
  if (!('endpoint' in lookup)) return { revoked: [], ...lookup };
  const endpoint = lookup.endpoint;
  const policy = { allowHttpHosts: ctx.config.allowHttpHosts };
  try {
    checkEndpointUrl(endpoint, 'The revocation URL', policy);
  } catch (error) {
    return { endpoint: safeUrl(endpoint), revoked: [], error: error as OAuth2Error };
  }
  const result: RevocationResult = { endpoint: safeUrl(endpoint), revoked: [] };
  const tries: Array<['refresh_token' | 'access_token', string | undefined]> = [['refresh_token', tokens.refreshToken], ['access_token', tokens.accessToken]];
  for (const [hint, token] of tries) {
    if (!token) continue;
    try {
      await revokeOne(ctx, endpoint, token, hint);
      result.revoked.push(hint);
    } catch (error) {
      result.error ??= error instanceof OAuth2Error ? error : new OAuth2ResponseError({ code: 'network_error', phase: 'token', description: String(error) }, ctx.redactor);
    }
  }
  return result;
}

async function revokeOne(ctx: TokenRequestContext, endpoint: string, token: string, hint: string): Promise<void> {
  const { config } = ctx;
  const state: ClientAuthState = ctx.clientAuth ?? {};
  const method = state.learned ?? clientAuthCandidates(config.client, state.serverMethods)[0];
  const headers: Record<string, string> = { accept: 'application/json', ...lowerKeys(config.extraTokenHeaders), 'content-type': 'application/x-www-form-urlencoded' };
  const params: Record<string, string> = { token, token_type_hint: hint };
  applyClientAuth(clientAuthParts(config.client, endpoint, (ctx.now ?? Date.now)(), method), headers, params);
  ctx.redactor?.add(token);
  const response = await sendWithRetry(
    { url: endpoint, method: 'POST', headers, body: new URLSearchParams(params).toString(), maxResponseBytes: TOKEN_RESPONSE_MAX_BYTES },
    { transport: transportOf(ctx.transport, ctx.host), host: ctx.host, timeoutMs: config.timeoutMs ?? 30_000, retry: { maxRetries: 1, maxDelayMs: 5_000, baseDelayMs: 500 }, retryStatuses: RETRY_STATUSES.notProcessed, phase: 'token', redactor: ctx.redactor, signal: ctx.signal, sleep: ctx.sleep },
  );
  if (response.status === 200) return;
  const parsed = parseTokenBody(response);
  if (parsed.kind === 'object' && typeof parsed.value.error === 'string') {
    throw new OAuth2ProtocolError({ code: parsed.value.error, status: response.status, phase: 'token', description: `revocation refused${typeof parsed.value.error_description === 'string' ? `: ${parsed.value.error_description}` : ''}` }, ctx.redactor);
  }
  throw new OAuth2ResponseError({ code: 'http_error', status: response.status, phase: 'token', description: `the revocation endpoint answered HTTP ${response.status}` }, ctx.redactor);
}
