// Issue #8 item 18: one decision, for both hosts, on whether a refused refresh token may be sent again.
import { OAuth2ConfigError, OAuth2Error, OAuth2ProtocolError, OAuth2ResponseError, OAuth2TransportError } from '../../lib/oauth2/errors';
import { refreshTokenRefused } from '../../lib/oauth2/refresh-policy';

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
