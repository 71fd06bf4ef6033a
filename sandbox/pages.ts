// HTML pages: consent, authorization errors, and the index.
import { escapeHtml as h } from './http-util';

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}' +
  'button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.75rem;cursor:pointer}' +
  '#approve{background:#1a7f37;color:#fff;border:0}#deny{background:#eee;border:1px solid #999}' +
  'code{background:#f3f3f3;padding:0 .25rem}';

function page(title: string, body: string): string {
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">` +
    `<title>${h(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>\n`
  );
}

export interface ConsentPageInput {
  providerLabel: string;
  clientName: string;
  clientId: string;
  user: string;
  scope: string[];
  redirectUri: string;
  action: string;
  interactionId: string;
}

export function consentPage(input: ConsentPageInput): string {
  const scopes = input.scope.length ? input.scope.map((s) => `<li><code>${h(s)}</code></li>`).join('') : '<li>(no scope)</li>';
  return page(
    `${input.providerLabel}: authorize ${input.clientName}`,
    `<h1>${h(input.providerLabel)} (sandbox)</h1>` +
      `<p>Signed in as <strong id="user">${h(input.user)}</strong>.</p>` +
      `<p><strong id="client-name">${h(input.clientName)}</strong> (<code id="client-id">${h(input.clientId)}</code>) asks for access:</p>` +
      `<ul id="scopes">${scopes}</ul>` +
      `<p>You will be sent back to <code id="redirect-uri">${h(input.redirectUri)}</code>.</p>` +
      `<form method="post" action="${h(input.action)}" id="consent">` +
      `<input type="hidden" name="interaction" value="${h(input.interactionId)}">` +
      `<button type="submit" id="approve" name="decision" value="approve">Approve</button>` +
      `<button type="submit" id="deny" name="decision" value="deny">Deny</button>` +
      `</form>`,
  );
}

export function errorPage(providerLabel: string, error: string, description: string): string {
  return page(
    `${providerLabel}: ${error}`,
    `<h1>${h(providerLabel)} (sandbox): authorization failed</h1>` +
      `<p>Error: <code id="error">${h(error)}</code></p><p id="error-description">${h(description)}</p>` +
      `<p>The client was not redirected because the request could not be verified.</p>`,
  );
}

export function indexPage(index: Record<string, unknown>): string {
  const rows = (value: unknown, prefix = ''): string => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return Object.entries(value)
        .map(([k, v]) => rows(v, prefix ? `${prefix}.${k}` : k))
        .join('');
    }
    return `<tr><td>${h(prefix)}</td><td><code>${h(Array.isArray(value) ? value.join(', ') : String(value))}</code></td></tr>`;
  };
  return page('OAuth2 provider sandbox', `<h1>OAuth2 provider sandbox</h1><table>${rows(index)}</table>`);
}
