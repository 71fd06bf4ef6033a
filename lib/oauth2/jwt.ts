import { createHmac, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { OAuth2ConfigError } from './errors';
import { base64url, randomToken } from './pkce';

export type JwtAlg = 'RS256' | 'ES256' | 'HS256';

export interface JwtSigningKey {
  alg: JwtAlg;
  /** PEM private key (RS256, ES256) or shared secret (HS256). */
  key: string;
  kid?: string;
}

/**
 * A PEM as pasted: a browser's one-line input drops its line breaks, a copy out of JSON may keep
 * `\\n` escapes. Rebuilt with the lines OpenSSL needs; anything that is no PEM is returned as it is.
 */
export function normalisePem(text: string): string {
  const pem = text.replace(/\\n/g, '\n').trim();
  const parts = /^-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----$/.exec(pem);
  if (!parts) return text;
  const body = parts[2].replace(/\s+/g, '');
  return `-----BEGIN ${parts[1]}-----\n${(body.match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${parts[1]}-----\n`;
}

/** An asymmetric key parsed once by its holder (a DPoP key signs every request). */
export interface ParsedSigningKey {
  alg: 'RS256' | 'ES256';
  key: KeyObject;
  kid?: string;
}

function asymmetricKey(pem: string | KeyObject): KeyObject {
  if (typeof pem !== 'string') return pem;
  try {
    return createPrivateKey(normalisePem(pem));
  } catch {
    throw new OAuth2ConfigError('the private key is not a valid PEM private key');
  }
}

/** Picks the algorithm for a private key when none is configured. */
export function algForPrivateKey(pem: string): 'RS256' | 'ES256' {
  const type = asymmetricKey(pem).asymmetricKeyType;
  if (type === 'rsa') return 'RS256';
  if (type === 'ec') return 'ES256';
  throw new OAuth2ConfigError(`private keys of type ${type} are not supported (use RSA or EC P-256)`);
}

/** Signs a compact JWS with `node:crypto` (RS256, ES256 in IEEE P1363 form, HS256). */
export function signJwt(payload: Record<string, unknown>, signing: JwtSigningKey | ParsedSigningKey, extraHeader: Record<string, unknown> = {}): string {
  const header: Record<string, unknown> = { alg: signing.alg, typ: 'JWT', ...extraHeader };
  if (signing.kid) header.kid = signing.kid;
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  let signature: Buffer;
  switch (signing.alg) {
    case 'HS256':
      signature = createHmac('sha256', signing.key).update(input).digest();
      break;
    case 'RS256':
      signature = sign('sha256', Buffer.from(input), asymmetricKey(signing.key));
      break;
    case 'ES256': {
      const key = asymmetricKey(signing.key);
      if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
        throw new OAuth2ConfigError('ES256 needs an EC key on the P-256 curve');
      }
      signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
      break;
    }
    default:
      throw new OAuth2ConfigError(`unsupported JWT algorithm ${String((signing as { alg: unknown }).alg)}`);
  }
  return `${input}.${base64url(signature)}`;
}

/** RFC 7523 §3 client assertion claims: iss = sub = client_id, aud, iat, exp, jti. */
export function clientAssertion(clientId: string, audience: string, signing: JwtSigningKey, lifetimeSec = 60, now = Date.now()): string {
  const iat = Math.floor(now / 1000);
  return signJwt({ iss: clientId, sub: clientId, aud: audience, iat, exp: iat + lifetimeSec, jti: randomToken(16) }, signing);
}

/** What an RFC 7523 §2.1 authorization grant asserts (a service account's assertion). */
export interface JwtBearerAssertion {
  /** `iss`: who issued the assertion (a service account's e-mail, a client ID). */
  issuer: string;
  /** `sub`: whom the token is for; default the issuer (RFC 7523 §3 requires one). */
  subject?: string;
  /** `aud`: the authorization server; default the token URL. */
  audience?: string;
  signing: JwtSigningKey;
  /** Seconds the assertion is valid (at most an hour). Default 300. */
  lifetimeSec?: number;
  /** Put the scopes in the assertion's `scope` claim instead of the request (Google's service accounts). */
  scopeClaim?: boolean;
}

/** RFC 7523 §3 grant assertion: iss, sub, aud, iat, exp, jti (and `scope` when asked). */
export function grantAssertion(assertion: JwtBearerAssertion, audience: string, scope: string | undefined, now = Date.now()): string {
  const iat = Math.floor(now / 1000);
  const lifetime = Math.min(Math.max(assertion.lifetimeSec ?? 300, 1), 3600);
  const claims: Record<string, unknown> = { iss: assertion.issuer, sub: assertion.subject || assertion.issuer, aud: assertion.audience || audience, iat, exp: iat + lifetime, jti: randomToken(16) };
  if (assertion.scopeClaim && scope) claims.scope = scope;
  return signJwt(claims, assertion.signing);
}
