/** Reading values users typed into an editor (n8n parameters, Node-RED settings): one spelling for both faces. */

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
export function grantOf(grantType: 'client_credentials' | 'password' | 'authorization_code', settings: Record<string, unknown>): SettingsGrant {
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
