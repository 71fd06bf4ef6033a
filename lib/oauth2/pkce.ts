import { createHash, randomBytes } from 'node:crypto';

export function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

/** A random value for `state`, `nonce` or `jti`: 128 bits, base64url. */
export function randomToken(bytes = 16): string {
  return base64url(randomBytes(bytes));
}

/** RFC 7636 code verifier: 43 characters from the unreserved set (32 random bytes, base64url). */
export function createCodeVerifier(): string {
  return base64url(randomBytes(32));
}

/** RFC 7636 S256 code challenge of a verifier. */
export function codeChallengeS256(verifier: string): string {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) {
    throw new RangeError('PKCE code verifier must be 43-128 unreserved characters');
  }
  return base64url(createHash('sha256').update(verifier, 'ascii').digest());
}
