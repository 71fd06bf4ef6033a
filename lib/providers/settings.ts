/** Reading values users typed into an editor (n8n parameters, Node-RED settings): one spelling for both faces. */
import type { ResponseValidation } from '../oauth2/types';

/** The value as a trimmed string; empty for undefined and null. */
export function trimmed(value: unknown): string {
  return value === undefined || value === null ? '' : String(value).trim();
}

/** A grant as the engine runs it, from a flat settings record (`username`, `password`). */
export type SettingsGrant = { type: 'client_credentials' } | { type: 'password'; username: string; password: string } | { type: 'authorization_code' };

/**
 * The grant of a credential, from its grant type and flat settings (n8n's credential data, or
 * Node-RED's settings with its credentials): one reading of user name and password for both hosts.
 */
export function grantOf(grantType: 'client_credentials' | 'password' | 'authorization_code' | 'jwt_bearer' | 'token_exchange', settings: Record<string, unknown>): SettingsGrant {
  if (grantType === 'jwt_bearer' || grantType === 'token_exchange') throw new TypeError(`The ${grantType} grant is built by its provider's mapper`);
  if (grantType !== 'password') return { type: grantType };
  const username = trimmed(settings.username);
  if (!username) throw new TypeError('The password grant needs a username');
  return { type: 'password', username, password: settings.password === undefined || settings.password === null ? '' : String(settings.password) };
}

/** A list typed as text (separated by spaces, commas or new lines) or given as an array; empty entries dropped. */
export function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(trimmed).filter(Boolean);
  return trimmed(value).split(/[\s,]+/).filter(Boolean);
}

/** A switch typed in an editor: true/"true", false/"false"; empty = the fallback. */
export function switchOf(value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  return value === true || value === 'true';
}

/** A non-negative number (number or numeric text); empty = undefined; anything else a clear error. */
export function numberOf(value: unknown): number | undefined {
  const s = trimmed(value);
  if (!s) return undefined;
  const n = Number(s);
  if (!Number.isFinite(n) || n < 0) throw new TypeError(`"${s}" is not a valid non-negative number`);
  return n;
}

/**
 * A map of string values, in either syntax both hosts accept: a JSON object (`{"audience":"x"}`),
 * or `name=value` pairs separated by `&` or new lines (URL-encoded, as in a query string). Empty =
 * undefined; a map given as an object is taken as it is.
 */
export function mapOf(value: unknown, what: string): Record<string, string> | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value)) return stringMap(value as Record<string, unknown>, what);
  const s = trimmed(value);
  if (!s) return undefined;
  if (s.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(s);
    } catch {
      throw new TypeError(`${what} is not valid JSON`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new TypeError(`${what} must be a JSON object`);
    return stringMap(parsed as Record<string, unknown>, what);
  }
  return stringMap(pairsOf(s, what), what);
}

function pairsOf(text: string, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part.trim().replace(/\+/g, ' '));
    } catch {
      throw new TypeError(`${what}: "${part.trim()}" is not URL-encoded correctly`);
    }
  };
  for (const part of text.split(/[&\n]/)) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    const name = decode(eq === -1 ? part : part.slice(0, eq));
    if (name && name !== '__proto__') out[name] = eq === -1 ? '' : decode(part.slice(eq + 1));
  }
  return out;
}

function stringMap(value: Record<string, unknown>, what: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== null && typeof v === 'object') throw new TypeError(`${what}: the value of "${k}" must be a string`);
    if (k !== '__proto__') out[k] = String(v);
  }
  return Object.keys(out).length ? out : undefined;
}

/** Response checks: a JSON array of `{path, notEmpty?, equals?, message?}`. */
export function validationsOf(value: unknown): ResponseValidation[] | undefined {
  const s = trimmed(value);
  if (!s) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch {
    throw new TypeError('Response checks are not valid JSON');
  }
  if (!Array.isArray(parsed)) throw new TypeError('Response checks must be a JSON array of {path, notEmpty?, equals?, message?}');
  return parsed.map((c, i) => {
    if (!c || typeof c !== 'object' || typeof (c as { path?: unknown }).path !== 'string') throw new TypeError(`Response check ${i + 1} needs a "path"`);
    const { path, notEmpty, equals, message } = c as ResponseValidation;
    return { path, notEmpty: notEmpty === true ? true : undefined, equals, message: typeof message === 'string' ? message : undefined };
  });
}

/** HTTP statuses separated by commas or spaces; empty = undefined. */
export function statusListOf(value: unknown): number[] | undefined {
  const list = listOf(value).map(Number);
  if (!list.length) return undefined;
  if (list.some((n) => !Number.isInteger(n) || n < 100 || n > 599)) throw new TypeError('Token-rejected statuses must be HTTP status codes, e.g. 401, 403');
  return list;
}

/** Values separated by commas only (a value may hold spaces); empty entries dropped. */
export function commaListOf(value: unknown): string[] {
  return trimmed(value).split(',').map((v) => v.trim()).filter(Boolean);
}
