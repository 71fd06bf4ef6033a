/**
 * n8n opens a credential's authorization URL in the editor (the "Connect" popup) and sends its
 * token requests to the token URL. Both are built by expressions over fields the user types, so a
 * `javascript:` or `data:` base URL must never come out of them: this wraps an expression body so
 * it yields the URL only when it is https (or http to loopback, for local test servers), and
 * otherwise a URL that fails with a clear host name.
 */
const ALLOWED = '/^(https:\\/\\/|http:\\/\\/(localhost|127(\\.\\d{1,3}){3}|\\[::1\\])(:\\d+)?(\\/|$))/i';
export const REFUSED_URL = 'https://refused.invalid/the-url-must-be-https';

export function httpsOnly(body: string): string {
	return `(${ALLOWED}.test(String(${body})) ? (${body}) : "${REFUSED_URL}")`;
}
