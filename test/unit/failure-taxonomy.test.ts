// Issue #8 item 18: one decision, for both hosts, on whether a refused refresh token may be sent again.
import { join } from 'node:path';

import { OAuth2ConfigError, OAuth2Error, OAuth2ProtocolError, OAuth2ResponseError, OAuth2TransportError } from '../../lib/oauth2/errors';
import { classifyError, classifyFailure, GRANT, refreshTokenRefused, RETRY_STATUSES, tokenRetryStatuses, type FailureClass } from '../../lib/oauth2/failure';
import { normaliseTokenResponse } from '../../lib/oauth2/token-response';
import { classifyEngineError, classifyN8nError } from '../../nodes/OAuth2CredentialHealthTrigger/token-check';
import { filesContaining } from '../support/source-files';

const protocol = (code: string, status: number) => new OAuth2ProtocolError({ code, status, phase: 'refresh' });

describe('refreshTokenRefused', () => {
  it.each([
    ['invalid_grant', 400],
    ['invalid_request', 400],
    ['unauthorized_client', 400],
    ['invalid_client', 401],
    ['invalid_scope', 400],
    ['access_denied', 403],
    ['invalid_grant', 200],
  ])('%s (HTTP %i): the refresh token is never sent again', (code, status) => {
    expect(refreshTokenRefused(protocol(code, status))).toBe(true);
  });

  it('a 4xx without an OAuth body (e.g. 404 page) is a refusal too', () => {
    expect(refreshTokenRefused(new OAuth2ResponseError({ code: 'http_error', status: 404, phase: 'refresh' }))).toBe(true);
  });

  it.each([
    ['temporarily_unavailable', 503],
    ['server_error', 500],
    ['rate_limited', 429],
    ['invalid_request', 408],
    ['http_error', 502],
  ])('%s (HTTP %i) is transient: keep the refresh token', (code, status) => {
    expect(refreshTokenRefused(protocol(code, status))).toBe(false);
  });

  it('network failures, timeouts, oversize answers, config errors and foreign errors keep it', () => {
    expect(refreshTokenRefused(new OAuth2TransportError({ code: 'network_error', phase: 'refresh' }))).toBe(false);
    expect(refreshTokenRefused(new OAuth2TransportError({ code: 'timeout', phase: 'refresh' }))).toBe(false);
    expect(refreshTokenRefused(new OAuth2ResponseError({ code: 'response_too_large', status: 200, phase: 'refresh' }))).toBe(false);
    expect(refreshTokenRefused(new OAuth2ResponseError({ code: 'invalid_response', status: 200, phase: 'refresh' }))).toBe(false);
    expect(refreshTokenRefused(new OAuth2ConfigError('x'))).toBe(false);
    expect(refreshTokenRefused(new Error('boom'))).toBe(false);
    expect(refreshTokenRefused(new OAuth2Error({ code: 'reauthorization_required', phase: 'refresh' }))).toBe(true);
  });

  it('the hint of invalid_request on refresh says the refresh token was refused', () => {
    expect(protocol('invalid_request', 400).hint).toMatch(/refresh token was refused/);
    expect(new OAuth2ProtocolError({ code: 'invalid_request', status: 400, phase: 'token' }).hint).toMatch(/malformed/);
  });

  it('the hint of invalid_client names the Basic encoding', () => {
    expect(protocol('invalid_client', 401).hint).toMatch(/without decoding.*auto.*raw Basic/);
  });
});

// Issue #16 item 1: one classification, code × status × grant, and every consumer agrees with it:
// the engine (errors from real token answers, `refreshTokenRefused`, `retryable`), the n8n health
// trigger (n8n-shaped errors and engine errors). The Node-RED health node reports the token
// manager's events, which come from `refreshTokenRefused`.
type Verdict = FailureClass;
type Row = [code: string, status: number | undefined, refresh: Verdict, otherGrants: Verdict];

const TABLE: Row[] = [
  // the refresh token is refused by any non-transient 4xx or a 2xx carrying an OAuth error
  ['invalid_grant', 400, 'refused', 'failed'],
  ['invalid_request', 400, 'refused', 'failed'],
  ['invalid_client', 401, 'refused', 'failed'], // was "failed" in the n8n trigger
  ['invalid_scope', 400, 'refused', 'failed'], // was "failed" in the n8n trigger
  ['unauthorized_client', 400, 'refused', 'failed'], // was "failed" in the n8n trigger
  ['access_denied', 403, 'refused', 'failed'],
  ['invalid_grant', 200, 'refused', 'failed'], // a 200 carrying an OAuth error: was "failed" in the trigger
  ['some_vendor_code', 400, 'refused', 'failed'],
  ['http_error', 404, 'refused', 'failed'],
  ['http_error', 401, 'refused', 'failed'],
  ['http_error', 302, 'failed', 'failed'],
  ['invalid_response', 200, 'failed', 'failed'],
  // "try again later", whatever the grant
  ['slow_down', 400, 'transient', 'transient'], // was "refused" in the engine
  ['authorization_pending', 400, 'transient', 'transient'],
  ['temporarily_unavailable', 400, 'transient', 'transient'],
  ['temporarily_unavailable', 200, 'transient', 'transient'],
  ['server_error', 500, 'transient', 'transient'],
  ['invalid_grant', 500, 'transient', 'transient'], // a 5xx never spends a refresh token
  ['invalid_request', 408, 'transient', 'transient'],
  ['rate_limited', 429, 'transient', 'transient'],
  ['http_error', 425, 'transient', 'transient'],
  ['http_error', 500, 'transient', 'transient'],
  ['http_error', 502, 'transient', 'transient'],
  ['http_error', 503, 'transient', 'transient'],
  ['http_error', 504, 'transient', 'transient'],
  ['response_too_large', 200, 'transient', 'transient'],
  ['network_error', undefined, 'transient', 'transient'],
  ['timeout', undefined, 'transient', 'transient'],
  // no usable refresh token, and the settings
  ['reauthorization_required', undefined, 'refused', 'refused'],
  ['config_error', undefined, 'configuration', 'configuration'],
];

const OTHER_GRANTS = [GRANT.clientCredentials, GRANT.password, GRANT.authorizationCode, GRANT.jwtBearer];
const ENGINE_ONLY = new Set(['network_error', 'timeout', 'response_too_large', 'reauthorization_required', 'config_error', 'invalid_response']);

/** The engine's error for a row: from a real token answer where the server can send it. */
function engineError(code: string, status: number | undefined, phase: 'refresh' | 'token'): OAuth2Error {
  if (code === 'network_error' || code === 'timeout') return new OAuth2TransportError({ code, phase });
  if (code === 'config_error') return new OAuth2ConfigError('x');
  if (ENGINE_ONLY.has(code)) return new OAuth2Error({ code, status, phase });
  const body = code === 'http_error' ? '<html>no</html>' : JSON.stringify({ error: code });
  const response = { status: status as number, headers: { 'content-type': code === 'http_error' ? 'text/html' : 'application/json' }, body: Buffer.from(body) };
  try {
    normaliseTokenResponse(response, { phase });
  } catch (error) {
    return error as OAuth2Error;
  }
  throw new Error('no error thrown');
}

/** The same failure as n8n 2.41 reports it from `helpers.refreshOAuth2Token`. */
function n8nError(code: string, status: number | undefined): unknown {
  if (code === 'network_error') return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  if (code === 'timeout') return Object.assign(new Error('timeout of 30000ms exceeded'), { code: 'ECONNABORTED' });
  if (code === 'reauthorization_required') return new Error('OAuth access token expired and no refresh token is available. Please reconnect the credentials.');
  if (code === 'http_error') return Object.assign(new Error(`HTTP status ${status}`), { status, code: 'ESTATUS' });
  return Object.assign(new Error('auth error'), { code: 'EAUTH', status, body: { error: code, error_description: 'x' } });
}

const asOutcomeKind = (verdict: Verdict) => (verdict === 'configuration' ? 'failed' : verdict);

describe('issue #16: one failure taxonomy, code × status × grant', () => {
  it.each(TABLE)('%s (HTTP %s): refresh %s, other grants %s', (code, status, refresh, other) => {
    expect(classifyFailure({ code, status, noAnswer: code === 'network_error' || code === 'timeout', phase: code === 'config_error' ? 'config' : undefined }, GRANT.refreshToken)).toBe(refresh);
    for (const grant of OTHER_GRANTS) expect([grant, classifyFailure({ code, status, noAnswer: code === 'network_error' || code === 'timeout' }, grant)]).toEqual([grant, other]);

    // the engine, from the error a real answer produces
    const onRefresh = engineError(code, status, 'refresh');
    expect(classifyError(onRefresh, GRANT.refreshToken)).toBe(refresh);
    expect(refreshTokenRefused(onRefresh)).toBe(refresh === 'refused');
    const onToken = engineError(code, status, 'token');
    for (const grant of OTHER_GRANTS) expect(classifyError(onToken, grant)).toBe(other);
    // `retryable` on the server's answers says the same (transport failures set it where they are made)
    if (!ENGINE_ONLY.has(code)) expect(onToken.retryable).toBe(other === 'transient');

    // the n8n health trigger: n8n's own refresh and client-credentials fetch, and engine grants
    if (code !== 'config_error' && code !== 'invalid_response' && code !== 'response_too_large') {
      expect(classifyN8nError(n8nError(code, status), 'refresh').kind).toBe(asOutcomeKind(refresh));
      const viaToken = classifyN8nError(n8nError(code, status), 'token').kind;
      expect(viaToken).toBe(asOutcomeKind(other));
    }
    expect(classifyEngineError(onToken, GRANT.password).kind).toBe(asOutcomeKind(other));
    expect(classifyEngineError(onToken, GRANT.clientCredentials).kind).toBe(asOutcomeKind(other));
  });

  it("n8n's own verdict that the credential needs reconnecting is a refused refresh token", () => {
    const reconnect = Object.assign(new Error('The credential "x" needs to be reconnected.'), { failure: { cause: 'credential-invalid' } });
    expect(classifyN8nError(reconnect, 'refresh')).toEqual({ kind: 'refused', error: { code: 'invalid_grant' } });
  });

  it("n8n's HTTP client timeout is a timeout, not a network error", () => {
    expect(classifyN8nError(Object.assign(new Error('timeout of 30000ms exceeded'), { code: 'ECONNABORTED' }), 'token')).toEqual({ kind: 'transient', error: { code: 'timeout' } });
    expect(classifyN8nError(Object.assign(new Error('aborted'), { code: 'ECONNABORTED' }), 'token')).toEqual({ kind: 'transient', error: { code: 'network_error' } });
  });

  it('retry status sets: a repeatable grant repeats a 500, a refresh or a code only what was not processed', () => {
    expect(tokenRetryStatuses(GRANT.clientCredentials)).toEqual([429, 500, 502, 503, 504]);
    expect(tokenRetryStatuses(GRANT.password)).toBe(RETRY_STATUSES.repeatable);
    expect(tokenRetryStatuses(GRANT.jwtBearer)).toBe(RETRY_STATUSES.repeatable);
    expect(tokenRetryStatuses(GRANT.refreshToken)).toEqual([429, 503]);
    expect(tokenRetryStatuses(GRANT.authorizationCode)).toBe(RETRY_STATUSES.notProcessed);
    expect(tokenRetryStatuses(GRANT.tokenExchange)).toBe(RETRY_STATUSES.notProcessed);
    expect(RETRY_STATUSES.read).toEqual([429, 502, 503, 504]);
  });

  it('every retry status list outside the taxonomy comes from it (no literal lists of statuses)', () => {
    const lists = filesContaining(/\[\s*(408|425|429|50\d)\s*,\s*(408|425|429|50\d)/, /\.(ts|js)$/);
    expect(lists.filter((file) => file !== join('lib', 'oauth2', 'failure.ts'))).toEqual([]);
  });
});
