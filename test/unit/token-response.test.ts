import { OAuth2ProtocolError, OAuth2ResponseError } from '../../lib/oauth2/errors';
import { Redactor } from '../../lib/oauth2/redact';
import { getPath, normaliseTokenResponse, normaliseTokenType, parseExpiresIn } from '../../lib/oauth2/token-response';
import type { TransportResponse } from '../../lib/oauth2/types';

const NOW = 1_700_000_000_000;

function res(status: number, body: string, type = 'application/json'): TransportResponse {
  return { status, headers: type ? { 'content-type': type } : {}, body: Buffer.from(body) };
}
const norm = (r: TransportResponse, extra = {}) => normaliseTokenResponse(r, { phase: 'token', now: NOW, ...extra });

describe('token response normalisation (quirk table)', () => {
  it('expires_in as a string is seconds', () => {
    const t = norm(res(200, '{"access_token":"AT","expires_in":"3600","token_type":"bearer"}'));
    expect(t.expiresAt).toBe(NOW + 3_600_000);
    expect(t.tokenType).toBe('Bearer');
  });

  it('no expires_in: unknown lifetime, or the configured default', () => {
    expect(norm(res(200, '{"access_token":"AT"}')).expiresAt).toBeUndefined();
    expect(norm(res(200, '{"access_token":"AT"}'), { defaultExpiresInSec: 90 }).expiresAt).toBe(NOW + 90_000);
  });

  it('token_type lowercase or missing is Bearer; unknown types are kept as sent', () => {
    expect(normaliseTokenType('BEARER')).toBe('Bearer');
    expect(normaliseTokenType(undefined)).toBe('Bearer');
    expect(norm(res(200, '{"access_token":"AT","token_type":"MAC"}')).tokenType).toBe('MAC');
  });

  it('parses JSON served as text/plain or without content type', () => {
    expect(norm(res(200, '{"access_token":"AT"}', 'text/plain')).accessToken).toBe('AT');
    expect(norm(res(200, '{"access_token":"AT"}', '')).accessToken).toBe('AT');
  });

  it('parses a form-urlencoded token response', () => {
    const t = norm(res(200, 'access_token=AT&token_type=bearer&expires_in=60&refresh_token=RT', 'application/x-www-form-urlencoded'));
    expect(t).toMatchObject({ accessToken: 'AT', tokenType: 'Bearer', refreshToken: 'RT', expiresAt: NOW + 60_000 });
  });

  it('200 with an error member is an OAuth error', () => {
    const r = res(200, '{"error":"invalid_grant","error_description":"code expired"}');
    expect(() => norm(r)).toThrow(OAuth2ProtocolError);
    expect(() => norm(r)).toThrow(/invalid_grant.*code expired/);
  });

  it('200 without access_token is a clear error naming the members', () => {
    expect(() => norm(res(200, '{"token":"x","expires_in":3}'))).toThrow(/no access_token \(members: token, expires_in\)/);
  });

  it('an HTML page is a clear error with status and content type, never the body', () => {
    let error: OAuth2ResponseError | undefined;
    try {
      norm(res(502, '<html><body>Bad gateway secret-in-body</body></html>', 'text/html'));
    } catch (e) {
      error = e as OAuth2ResponseError;
    }
    expect(error).toBeInstanceOf(OAuth2ResponseError);
    expect(error?.message).toMatch(/HTTP 502 with an HTML page \(text\/html\)/);
    expect(error?.message).not.toMatch(/secret-in-body/);
    expect(error?.retryable).toBe(true);
  });

  it('RFC 6749 §5.2 errors carry code, status and an actionable hint', () => {
    try {
      normaliseTokenResponse(res(400, '{"error":"invalid_grant"}'), { phase: 'refresh' });
      throw new Error('not thrown');
    } catch (e) {
      const err = e as OAuth2ProtocolError;
      expect(err.code).toBe('invalid_grant');
      expect(err.status).toBe(400);
      expect(err.message).toMatch(/reconnect the credential/);
    }
    expect(() => norm(res(401, '{"error":"invalid_client"}'))).toThrow(/check the client ID and secret/);
  });

  it('maps response paths, keeps extra fields, validates', () => {
    const body = JSON.stringify({ data: { token: 'AT', ttl: '120', rt: 'RT' }, refresh_token_expires_in: 999, status: 'ok' });
    const t = norm(res(200, body), {
      mapping: { accessToken: 'data.token', expiresIn: 'data.ttl', refreshToken: 'data.rt', extra: { rtExpiresIn: 'refresh_token_expires_in' } },
      validations: [{ path: '$status', equals: 200 }, { path: 'status', equals: 'ok' }],
    });
    expect(t).toMatchObject({ accessToken: 'AT', refreshToken: 'RT', expiresAt: NOW + 120_000 });
    expect(t.extra).toEqual({ refresh_token_expires_in: 999, status: 'ok', rtExpiresIn: 999 });
    expect(() => norm(res(200, body), { mapping: { accessToken: 'data.token' }, validations: [{ path: 'status', equals: 'done', message: 'status must be done' }] })).toThrow(/status must be done/);
  });

  it('does not keep a top-level mapped token among the extra fields', () => {
    const t = norm(res(200, '{"token":"AT","rt":"RT","x":1}'), { mapping: { accessToken: 'token', refreshToken: 'rt' } });
    expect(t.extra).toEqual({ x: 1 });
  });

  it('redacts an echoed secret in error descriptions', () => {
    const redactor = new Redactor().add('the-refresh-token-value');
    expect(() => normaliseTokenResponse(res(400, '{"error":"invalid_grant","error_description":"token the-refresh-token-value is revoked"}'), { phase: 'refresh', redactor }))
      .toThrow(/token \[redacted\] is revoked/);
  });

  it('helpers', () => {
    expect(parseExpiresIn(' 10 ')).toBe(10);
    expect(parseExpiresIn('soon')).toBeUndefined();
    expect(parseExpiresIn(-1)).toBeUndefined();
    expect(getPath({ a: [{ b: 1 }] }, 'a.0.b')).toBe(1);
  });
});

describe('expires_in of zero or less is "lifetime unknown" (issue #8 item 15)', () => {
  it.each([0, -5, '0', '-1'])('expires_in %p', (value) => {
    expect(parseExpiresIn(value)).toBeUndefined();
    expect(norm(res(200, JSON.stringify({ access_token: 'AT', expires_in: value }))).expiresAt).toBeUndefined();
  });
});

describe('refresh-token lifetime (issue #10 item 3)', () => {
  it('refresh_token_expires_in (or a mapped path, or a configured lifetime) becomes refreshExpiresAt', () => {
    expect(norm(res(200, '{"access_token":"AT","refresh_token":"RT","refresh_token_expires_in":"86400"}')).refreshExpiresAt).toBe(NOW + 86_400_000);
    expect(norm(res(200, '{"access_token":"AT","refresh_token":"RT","data":{"rt_ttl":60}}'), { mapping: { refreshExpiresIn: 'data.rt_ttl' } }).refreshExpiresAt).toBe(NOW + 60_000);
    expect(norm(res(200, '{"access_token":"AT","refresh_token":"RT"}'), { refreshTokenLifetimeSec: 120 }).refreshExpiresAt).toBe(NOW + 120_000);
    expect(norm(res(200, '{"access_token":"AT","refresh_token":"RT"}')).refreshExpiresAt).toBeUndefined();
    expect(norm(res(200, '{"access_token":"AT","refresh_token_expires_in":60}')).refreshExpiresAt).toBeUndefined();
    expect(norm(res(200, '{"access_token":"AT","refresh_token":"RT","refresh_token_expires_in":60}')).extra).toEqual({ refresh_token_expires_in: 60 });
  });
});
