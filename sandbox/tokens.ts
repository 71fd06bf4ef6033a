// The internal token store: access tokens, refresh tokens and authorization codes.
// Tokens are random and opaque; only their SHA-256 hashes are kept as keys.
import { createHash, randomBytes } from 'node:crypto';
import type { ProviderId } from './types';

export interface TokenGrant {
  provider: ProviderId;
  clientId: string;
  scope: string[];
  /** The user (or, for client credentials, the client / admin) the token acts for. */
  subject: string;
  grantType: string;
  /** Tokens of one authorization share a chain; reuse of a rotated refresh token revokes it. */
  chainId: string;
  /** Extra request values kept for the generic /api/me echo (audience, resource). */
  extras: Record<string, string>;
}

export interface TokenRecord extends TokenGrant {
  kind: 'access' | 'refresh';
  issuedAt: number;
  expiresAt: number | null;
  revoked: boolean;
  /** Refresh tokens: already exchanged under rotation. */
  rotated: boolean;
}

export interface CodeRecord extends Omit<TokenGrant, 'grantType'> {
  redirectUri: string;
  redirectUriSent: boolean;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain' | null;
  expiresAt: number;
  used: boolean;
}

export type TokenCheck =
  | { ok: true; record: TokenRecord }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' };

const PREFIX: Record<ProviderId, string> = { deployteq: 'dt', zendesk: 'zd', generic: 'gen' };
const SWEEP_THRESHOLD = 50_000;

export function randomId(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class TokenStore {
  private tokens = new Map<string, TokenRecord>();
  private codes = new Map<string, CodeRecord>();

  clear(): void {
    this.tokens.clear();
    this.codes.clear();
  }

  newChain(): string {
    return randomId(12);
  }

  issue(kind: 'access' | 'refresh', grant: TokenGrant, lifetimeSeconds: number | null): string {
    if (this.tokens.size > SWEEP_THRESHOLD) this.sweep();
    const token = `${PREFIX[grant.provider]}${kind === 'access' ? 'at' : 'rt'}_${randomId(32)}`;
    const now = Date.now();
    this.tokens.set(hash(token), {
      ...grant,
      scope: [...grant.scope],
      extras: { ...grant.extras },
      kind,
      issuedAt: now,
      expiresAt: lifetimeSeconds === null ? null : now + lifetimeSeconds * 1000,
      revoked: false,
      rotated: false,
    });
    return token;
  }

  /** Looks up a token of the given kind and provider, without judging its validity. */
  find(token: string, kind: 'access' | 'refresh', provider: ProviderId): TokenRecord | undefined {
    const record = this.tokens.get(hash(token));
    return record && record.kind === kind && record.provider === provider ? record : undefined;
  }

  checkAccess(token: string, provider: ProviderId): TokenCheck {
    const record = this.find(token, 'access', provider);
    if (!record) return { ok: false, reason: 'unknown' };
    if (record.revoked) return { ok: false, reason: 'revoked' };
    if (record.expiresAt !== null && record.expiresAt <= Date.now()) return { ok: false, reason: 'expired' };
    return { ok: true, record };
  }

  revokeChain(chainId: string): number {
    let n = 0;
    for (const record of this.tokens.values()) {
      if (record.chainId === chainId && !record.revoked) {
        record.revoked = true;
        n++;
      }
    }
    return n;
  }

  revokeAll(provider?: ProviderId): { accessTokens: number; refreshTokens: number } {
    const out = { accessTokens: 0, refreshTokens: 0 };
    for (const record of this.tokens.values()) {
      if (record.revoked || (provider && record.provider !== provider)) continue;
      record.revoked = true;
      if (record.kind === 'access') out.accessTokens++;
      else out.refreshTokens++;
    }
    return out;
  }

  /** Marks every live access token expired; refresh tokens stay valid. */
  expireAccess(provider?: ProviderId): number {
    const now = Date.now();
    let n = 0;
    for (const record of this.tokens.values()) {
      if (record.kind !== 'access' || record.revoked || (provider && record.provider !== provider)) continue;
      if (record.expiresAt !== null && record.expiresAt <= now) continue;
      record.expiresAt = now - 1;
      n++;
    }
    return n;
  }

  createCode(data: Omit<CodeRecord, 'used' | 'expiresAt'>, lifetimeSeconds: number): string {
    const now = Date.now();
    for (const [key, rec] of this.codes) if (rec.expiresAt < now - 60_000) this.codes.delete(key);
    const code = randomId(24);
    this.codes.set(hash(code), { ...data, used: false, expiresAt: now + lifetimeSeconds * 1000 });
    return code;
  }

  findCode(code: string): CodeRecord | undefined {
    return this.codes.get(hash(code));
  }

  stats(): { accessTokens: number; refreshTokens: number; codes: number } {
    let access = 0;
    for (const r of this.tokens.values()) if (r.kind === 'access') access++;
    return { accessTokens: access, refreshTokens: this.tokens.size - access, codes: this.codes.size };
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, r] of this.tokens) {
      // rotated refresh tokens are kept so reuse can still be detected
      const dead = r.revoked || (r.kind === 'access' && r.expiresAt !== null && r.expiresAt < now);
      if (dead) this.tokens.delete(key);
    }
  }
}
