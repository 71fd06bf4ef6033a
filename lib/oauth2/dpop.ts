/**
 * DPoP (RFC 9449): a credential's own ES256 key proves, on every token and API request, that the
 * caller holds the key the tokens are bound to. A proof is a JWT (`typ: dpop+jwt`, the public key
 * in `jwk`) with `htm`, `htu` (the URL without query and fragment), `iat`, a fresh `jti`, the
 * server's nonce when it asked for one, and `ath` (the access token's hash) on API requests. A
 * server's `use_dpop_nonce` answer is retried once with the nonce it sent; nonces are kept per
 * origin. The private key is a secret: hosts store it like a refresh token.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { OAuth2ConfigError } from './errors';
import { signJwt, normalisePem } from './jwt';
import { base64url, randomToken } from './pkce';

/** A new DPoP key: an EC P-256 private key as PKCS #8 PEM. */
export function generateDpopKey(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** The request URL as `htu` wants it: no query, no fragment (RFC 9449 §4.2). */
export function htuOf(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/** The server's DPoP nonce challenge in an answer: a `use_dpop_nonce` error (token endpoint body or API challenge) with a `DPoP-Nonce`. */
export function nonceChallenge(response: { status: number; headers: Record<string, string>; body?: Buffer }): string | undefined {
  const nonce = response.headers['dpop-nonce'];
  if (!nonce) return undefined;
  if (response.status === 401 && /use_dpop_nonce/.test(response.headers['www-authenticate'] ?? '')) return nonce;
  if (response.status === 400 && response.body && /"use_dpop_nonce"/.test(response.body.toString('utf8'))) return nonce;
  return undefined;
}

export class DpopSigner {
  private readonly key: KeyObject;
  readonly publicJwk: { kty: string; crv: string; x: string; y: string };
  private readonly nonces = new Map<string, string>();

  constructor(pem: string) {
    try {
      this.key = createPrivateKey(normalisePem(pem));
    } catch {
      throw new OAuth2ConfigError('the DPoP key is not a valid PEM private key');
    }
    if (this.key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new OAuth2ConfigError('the DPoP key must be an EC P-256 key (ES256)');
    const jwk = createPublicKey(this.key).export({ format: 'jwk' }) as { kty: string; crv: string; x: string; y: string };
    this.publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  }

  /** RFC 7638 thumbprint of the public key (what a bound token's `cnf.jkt` names). */
  get thumbprint(): string {
    const { crv, kty, x, y } = this.publicJwk;
    return base64url(createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest());
  }

  /** A proof for one request; `accessToken` on API requests (its hash becomes `ath`). */
  proof(method: string, url: string, accessToken?: string, now = Date.now()): string {
    const claims: Record<string, unknown> = { htm: method.toUpperCase(), htu: htuOf(url), iat: Math.floor(now / 1000), jti: randomToken(16) };
    const nonce = this.nonces.get(new URL(url).origin);
    if (nonce) claims.nonce = nonce;
    if (accessToken) claims.ath = base64url(createHash('sha256').update(accessToken).digest());
    return signJwt(claims, { alg: 'ES256', key: this.key }, { typ: 'dpop+jwt', jwk: this.publicJwk });
  }

  /** Keeps the nonce a server sent (in any answer) for the next proofs to its origin. */
  remember(url: string, headers: Record<string, string>): void {
    const nonce = headers['dpop-nonce'];
    if (nonce && nonce.length <= 512) this.nonces.set(new URL(url).origin, nonce);
  }
}

const signers = new Map<string, DpopSigner>();

/** The signer of a key (one per key in this process, so the servers' nonces are shared by its requests). */
export function dpopSignerFor(pem: string): DpopSigner {
  const id = createHash('sha256').update(pem).digest('hex');
  let signer = signers.get(id);
  if (!signer) {
    if (signers.size >= 256) signers.clear();
    signer = new DpopSigner(pem);
    signers.set(id, signer);
  }
  return signer;
}
