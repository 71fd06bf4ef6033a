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

function variants(value: string): string[] {
  const forms = new Set<string>([value]);
  forms.add(encodeURIComponent(value));
  forms.add(formEncode(value));
  forms.add(JSON.stringify(value).slice(1, -1));
  return [...forms].filter((v) => v.length >= 4);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Holds the secret values of one credential and removes them from text. Bounded: keeps the most
 * recent `capacity` values (old rotated tokens are still redacted for a while, memory stays flat).
 */
export class Redactor {
  private readonly values = new Map<string, true>();
  private pattern: RegExp | undefined;

  constructor(private readonly capacity = 64) {}

  add(...secrets: Array<string | undefined | null>): this {
    for (const secret of secrets) {
      if (typeof secret !== 'string' || secret.length < 4) continue;
      for (const form of variants(secret)) {
        this.values.delete(form);
        this.values.set(form, true);
      }
    }
    while (this.values.size > this.capacity * 4) {
      const oldest = this.values.keys().next().value as string;
      this.values.delete(oldest);
    }
    this.pattern = undefined;
    return this;
  }

  redact(text: string): string {
    if (this.values.size > 0) {
      if (!this.pattern) {
        const sorted = [...this.values.keys()].sort((a, b) => b.length - a.length);
        this.pattern = new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
      }
      text = text.replace(this.pattern, REDACTED);
    }
    return redactPatterns(text);
  }
}

/** Redacts with an optional redactor; always applies the token-shaped patterns. */
export function redact(text: string, redactor?: Redactor): string {
  return redactor ? redactor.redact(text) : redactPatterns(text);
}
