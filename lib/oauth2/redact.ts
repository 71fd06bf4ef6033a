/**
 * Redaction of secrets from any text that may reach a log, an error, a node status or a test
 * snapshot. Two layers: exact known values (client secret, tokens, passwords, in their raw,
 * URL-encoded and Basic-encoded forms) and token-shaped patterns (JWTs, Bearer/Basic headers,
 * secret-named parameters in query strings, form bodies and JSON).
 */
import { formEncode } from './form-encoding';

export const REDACTED = '[redacted]';

const JSON_SECRET_NAMES =
  'access_token|refresh_token|id_token|client_secret|client_assertion|code_verifier|password|assertion|accessToken|refreshToken|clientSecret|idToken|token';
const FORM_SECRET_NAMES = `${JSON_SECRET_NAMES}|code`;

const PATTERNS: RegExp[] = [
  // JSON members: "access_token": "…"
  new RegExp(`("(?:${JSON_SECRET_NAMES})"\\s*:\\s*")((?:[^"\\\\]|\\\\.)*)(")`, 'gi'),
  // form / query members: access_token=…
  new RegExp(`(\\b(?:${FORM_SECRET_NAMES})=)([^&\\s"'<>#]+)()`, 'gi'),
  // Authorization header values (token68), but not auth-params such as `Bearer error="…"`
  /(\b(?:Bearer|Basic|DPoP|MAC)\s+)([A-Za-z0-9\-._~+/]{12,}=*)(?![A-Za-z0-9\-._~+/="])()/gi,
];

/** JWT-shaped strings (three base64url parts, header starting with `{"`). */
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;

/** Replaces token-shaped substrings, whatever their value. */
export function redactPatterns(text: string): string {
  let out = text.replace(JWT, REDACTED);
  for (const pattern of PATTERNS) out = out.replace(pattern, (_m, a: string, _v: string, c: string) => `${a}${REDACTED}${c}`);
  return out;
}

/** Shorter values are not redacted by value (they would eat ordinary words). */
export const MIN_SECRET_LENGTH = 4;

const ENCODINGS: Array<(value: string) => string> = [
  encodeURIComponent,
  formEncode,
  (value) => JSON.stringify(value).slice(1, -1),
];

/** The forms a secret takes in text: raw, URL-encoded, form-encoded, JSON-escaped. */
function variants(value: string): string[] {
  const forms = new Set<string>([value]);
  for (const encode of ENCODINGS) {
    try {
      forms.add(encode(value));
    } catch {
      // a lone surrogate has no URL encoding; its other forms are still redacted
    }
  }
  return [...forms].filter((v) => v.length >= MIN_SECRET_LENGTH);
}


function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Holds the secret values of one credential and removes them from text. Two sets: the
 * credential's own secrets (client secret, password, private key), pinned for the credential's
 * life, and tokens, of which the most recent `capacity` are kept (old rotated tokens are still
 * redacted for a while, memory stays flat).
 */
export class Redactor {
  private readonly pinned = new Set<string>();
  private readonly recent = new Map<string, true>();
  private pattern: RegExp | undefined;

  constructor(private readonly capacity = 64) {}

  /** Secrets that stay redacted for as long as this redactor lives. */
  pin(...secrets: Array<string | undefined | null>): this {
    for (const secret of secrets) {
      if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
      for (const form of variants(secret)) this.pinned.add(form);
    }
    this.pattern = undefined;
    return this;
  }

  /** Tokens and other short-lived values (bounded: the oldest age out). */
  add(...secrets: Array<string | undefined | null>): this {
    for (const secret of secrets) {
      if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
      for (const form of variants(secret)) {
        if (this.pinned.has(form)) continue;
        this.recent.delete(form);
        this.recent.set(form, true);
      }
    }
    while (this.recent.size > this.capacity * 4) {
      const oldest = this.recent.keys().next().value as string;
      this.recent.delete(oldest);
    }
    this.pattern = undefined;
    return this;
  }

  redact(text: string): string {
    let out = typeof text === 'string' ? text : String(text);
    if (this.pinned.size + this.recent.size > 0) {
      if (!this.pattern) {
        const sorted = [...this.pinned, ...this.recent.keys()].sort((a, b) => b.length - a.length);
        this.pattern = new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
      }
      out = out.replace(this.pattern, REDACTED);
    }
    return redactPatterns(out);
  }
}

/** Redacts with an optional redactor; always applies the token-shaped patterns. */
export function redact(text: string, redactor?: Pick<Redactor, 'redact'>): string {
  return redactor ? redactor.redact(text) : redactPatterns(text);
}

const SECRET_MEMBER = new RegExp(`^(?:${JSON_SECRET_NAMES})$`, 'i');
/** Nesting kept by `redactJson`; deeper parts are replaced (an answer nested 20,000 levels deep must not crash anything). */
export const REDACT_MAX_DEPTH = 32;

/**
 * A redacted copy of a parsed JSON value: every string (and member name) through `clean`, members
 * named like secrets (`access_token`, `password`, …) replaced, nesting cut at `maxDepth`. Works on
 * the structure, so it never produces invalid JSON, whatever the strings contain.
 */
export function redactJson(value: unknown, clean: (text: string) => string, maxDepth = REDACT_MAX_DEPTH): unknown {
  const walk = (node: unknown, depth: number): unknown => {
    if (typeof node === 'string') return clean(node);
    if (node === null || typeof node !== 'object') return typeof node === 'bigint' ? String(node) : node;
    if (depth >= maxDepth) return '[too deeply nested]';
    if (Array.isArray(node)) return node.map((item) => walk(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(node as Record<string, unknown>)) {
      const name = clean(key);
      out[name] = SECRET_MEMBER.test(key) && item !== null && item !== undefined && typeof item !== 'object' ? REDACTED : walk(item, depth + 1);
    }
    return out;
  };
  return walk(value, 0);
}
