import { createPublicKey, createHmac, generateKeyPairSync, verify } from 'node:crypto';
import { applyClientAuth, basicFormsDiffer, clientAuthCandidates, clientAuthParts, formEncode, JWT_BEARER_ASSERTION_TYPE } from '../../lib/oauth2/client-auth';
import { OAuth2ConfigError } from '../../lib/oauth2/errors';

const SECRET = 'a+b%c:d&e/f g';

function decodeBasic(header: string): string {
  return Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');
}

function decodeJwt(jwt: string) {
  const [h, p, s] = jwt.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString()), payload: JSON.parse(Buffer.from(p, 'base64url').toString()), input: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
}

describe('client authentication placement', () => {
  it('basic form-urlencodes id and secret before base64 (RFC 6749 §2.3.1)', () => {
    const parts = clientAuthParts({ clientId: 'my id:1', clientSecret: SECRET, method: 'basic' }, 'https://as/token');
    expect(decodeBasic(parts.headers.authorization)).toBe('my+id%3A1:a%2Bb%25c%3Ad%26e%2Ff+g');
    expect(parts.params).toEqual({});
  });

  it('basic-raw sends id:secret as is', () => {
    const parts = clientAuthParts({ clientId: 'id', clientSecret: SECRET, method: 'basic-raw' }, 'https://as/token');
    expect(decodeBasic(parts.headers.authorization)).toBe(`id:${SECRET}`);
  });

  it('body puts both in the body and nothing in the header', () => {
    const parts = clientAuthParts({ clientId: 'id', clientSecret: SECRET, method: 'body' }, 'https://as/token');
    expect(parts).toEqual({ headers: {}, params: { client_id: 'id', client_secret: SECRET } });
  });

  it('none sends only the client id', () => {
    expect(clientAuthParts({ clientId: 'pub', method: 'none' }, 'https://as/token')).toEqual({ headers: {}, params: { client_id: 'pub' } });
  });

  it('private_key_jwt signs RS256 and ES256 assertions with the RFC 7523 claims', () => {
    for (const [type, alg] of [['rsa', 'RS256'], ['ec', 'ES256']] as const) {
      const { privateKey, publicKey } = type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const parts = clientAuthParts({ clientId: 'cid', method: 'private_key_jwt', privateKey: pem, keyId: 'k1', assertionAudience: 'https://as' }, 'https://as/token', 1_700_000_000_000);
      expect(parts.headers).toEqual({});
      expect(parts.params.client_assertion_type).toBe(JWT_BEARER_ASSERTION_TYPE);
      const jwt = decodeJwt(parts.params.client_assertion);
      expect(jwt.header).toEqual({ alg, typ: 'JWT', kid: 'k1' });
      expect(jwt.payload).toMatchObject({ iss: 'cid', sub: 'cid', aud: 'https://as', iat: 1_700_000_000, exp: 1_700_000_060 });
      expect(jwt.payload.jti).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      const key = createPublicKey(publicKey.export({ type: 'spki', format: 'pem' }));
      const ok = alg === 'RS256'
        ? verify('sha256', Buffer.from(jwt.input), key, jwt.signature)
        : verify('sha256', Buffer.from(jwt.input), { key, dsaEncoding: 'ieee-p1363' }, jwt.signature);
      expect(ok).toBe(true);
    }
  });

  it('client_secret_jwt signs HS256 with the secret, audience defaulting to the token URL', () => {
    const parts = clientAuthParts({ clientId: 'cid', clientSecret: SECRET, method: 'client_secret_jwt' }, 'https://as/token');
    const jwt = decodeJwt(parts.params.client_assertion);
    expect(jwt.header.alg).toBe('HS256');
    expect(jwt.payload.aud).toBe('https://as/token');
    expect(createHmac('sha256', SECRET).update(jwt.input).digest().equals(jwt.signature)).toBe(true);
  });

  it('each assertion has a fresh jti', () => {
    const a = clientAuthParts({ clientId: 'c', clientSecret: SECRET, method: 'client_secret_jwt' }, 'u');
    const b = clientAuthParts({ clientId: 'c', clientSecret: SECRET, method: 'client_secret_jwt' }, 'u');
    expect(decodeJwt(a.params.client_assertion).payload.jti).not.toBe(decodeJwt(b.params.client_assertion).payload.jti);
  });

  it('refuses missing secrets, bad keys and unknown methods with clear errors', () => {
    expect(() => clientAuthParts({ clientId: 'c', method: 'basic' }, 'u')).toThrow(/needs a client secret/);
    expect(() => clientAuthParts({ clientId: 'c', method: 'private_key_jwt' }, 'u')).toThrow(/needs a private key/);
    expect(() => clientAuthParts({ clientId: 'c', method: 'private_key_jwt', privateKey: 'nope' }, 'u')).toThrow(/not a valid PEM/);
    expect(() => clientAuthParts({ clientId: '', clientSecret: 's', method: 'body' }, 'u')).toThrow(OAuth2ConfigError);
    expect(() => clientAuthParts({ clientId: 'c', method: 'magic' as never }, 'u')).toThrow(/unknown client authentication/);
  });

  it('never sends credentials in the header and the body at once', () => {
    const basic = clientAuthParts({ clientId: 'c', clientSecret: 's3cret', method: 'basic' }, 'u');
    expect(() => applyClientAuth(basic, {}, { client_secret: 'x' })).toThrow(/both/);
    const body = clientAuthParts({ clientId: 'c', clientSecret: 's3cret', method: 'body' }, 'u');
    expect(() => applyClientAuth(body, { Authorization: 'Basic eA==' }, {})).toThrow(/both/);
    const headers: Record<string, string> = {};
    const params: Record<string, string> = { grant_type: 'client_credentials' };
    applyClientAuth(basic, headers, params);
    expect(Object.keys(headers)).toEqual(['authorization']);
    expect(params).toEqual({ grant_type: 'client_credentials' });
  });

  it('formEncode follows the form-urlencoded serializer', () => {
    expect(formEncode('a b+c')).toBe('a+b%2Bc');
  });
});

describe('auto client authentication: the order of methods tried (issue #8 item 17)', () => {
  const client = (clientId: string, clientSecret?: string, extra = {}) => ({ clientId, clientSecret, ...extra });
  it('without metadata: encoded Basic, then raw Basic only when it differs, then the body', () => {
    expect(clientAuthCandidates(client('app', 'Az~+/=@:secret'))).toEqual(['basic', 'basic-raw', 'body']);
    expect(clientAuthCandidates(client('user@example.com', 'plainsecret'))).toEqual(['basic', 'basic-raw', 'body']);
    expect(clientAuthCandidates(client('app', 'plainsecret123'))).toEqual(['basic', 'body']);
  });
  it('with RFC 8414 metadata: what the server lists, Basic before body', () => {
    expect(clientAuthCandidates(client('app', 'a+b'), ['client_secret_post'])).toEqual(['body']);
    expect(clientAuthCandidates(client('app', 'a+b'), ['client_secret_basic', 'client_secret_post'])).toEqual(['basic', 'basic-raw', 'body']);
    expect(clientAuthCandidates(client('app', 'ab'), ['client_secret_jwt'])).toEqual(['client_secret_jwt']);
    expect(clientAuthCandidates(client('app', 'ab'), ['private_key_jwt'])).toEqual(['basic', 'body']);
  });
  it('no secret means none; a private key means private_key_jwt; an explicit method is the only one', () => {
    expect(clientAuthCandidates(client('pub'))).toEqual(['none']);
    expect(clientAuthCandidates(client('app', 'x', { privateKey: 'PEM' }))).toEqual(['private_key_jwt']);
    expect(clientAuthCandidates(client('app', 'a+b', { method: 'basic' }))).toEqual(['basic']);
    expect(basicFormsDiffer(client('app', 'plain'))).toBe(false);
  });
  it('auto (or no method) authenticates like its first candidate', () => {
    const parts = clientAuthParts({ clientId: 'id', clientSecret: 'a+b' }, 'https://as/token');
    expect(decodeBasic(parts.headers.authorization)).toBe('id:a%2Bb');
  });
});
