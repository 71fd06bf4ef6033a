// toNodeError: what reaches n8n's execution data is a fresh error with cleaned text only: URLs as
// scheme://host/path (no user name, password or query), the credential's actual secrets and tokens
// redacted, nothing carried over from errors n8n built, a refused URL as a NodeOperationError.
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { OAuth2ProtocolError } from '../../../lib/oauth2/errors';
import { Redactor } from '../../../lib/oauth2/redact';
import { OAuth2UrlRefusedError } from '../../../lib/oauth2/urls';
import { ProviderApiError } from '../../../lib/providers/http-json';
import { errorJson, toNodeError } from '../../../hosts/n8n/errors';

const node: INode = { id: 'n1', name: 'Node', type: 'test.node', typeVersion: 1, position: [0, 0], parameters: {} };
const SECRET_URL = 'http://svc:PASSWORD-1@internal.example.test:8080/hooks/42?apikey=KEY-2&x=1#frag';
const SECRETS = /PASSWORD-1|KEY-2|svc:|apikey|frag/;

/** Everything of an error that n8n keeps in the execution data (its enumerable fields, plus message). */
function persisted(error: NodeApiError | NodeOperationError): string {
  return JSON.stringify({ ...error, message: error.message, description: error.description });
}

describe('toNodeError', () => {
  it('URLs in any error text keep only scheme://host/path', () => {
    const errors: unknown[] = [
      new Error(`request to ${SECRET_URL} failed, reason: connect ECONNREFUSED`),
      new ProviderApiError('Deployteq', 502, `upstream ${SECRET_URL} is down`, undefined),
      new NodeApiError(node, { message: `Invalid URL: ${SECRET_URL}` } as JsonObject, { message: `Invalid URL: ${SECRET_URL}`, description: `see ${SECRET_URL}` }),
      new NodeOperationError(node, `bad ${SECRET_URL}`, { description: SECRET_URL }),
      new TypeError(`Failed to parse URL from ${SECRET_URL}`),
    ];
    for (const error of errors) {
      const out = toNodeError(node, error, 0);
      const text = persisted(out);
      expect(text).not.toMatch(SECRETS);
      expect(text).toContain('http://internal.example.test:8080/hooks/42');
    }
  });

  it("the credential's actual secrets are redacted, whatever their shape", () => {
    const redactor = new Redactor().pin('plain-client-secret').add('AT_sandbox_token_value');
    const error = new ProviderApiError('Zendesk Chat', 401, 'the access token AT_sandbox_token_value is not valid', undefined);
    const out = toNodeError(node, error, 3, { redact: (t) => redactor.redact(t) });
    expect(out).toBeInstanceOf(NodeApiError);
    expect(out.message).toBe('Zendesk Chat API answered HTTP 401: the access token [redacted] is not valid');
    expect(out.description).toBe('the access token [redacted] is not valid');
    expect((out as NodeApiError).httpCode).toBe('401');
    expect(persisted(out)).not.toContain('AT_sandbox_token_value');
    expect(JSON.stringify(errorJson(out))).not.toContain('AT_sandbox_token_value');
    // without the redactor only token-shaped patterns go: that is why the nodes pass it
    expect(toNodeError(node, error, 3).message).toContain('AT_sandbox_token_value');
  });

  it("errors n8n built are rebuilt: their context (a response body, say) is not carried over", () => {
    const original = new NodeApiError(node, { message: 'Request failed with status code 401', secretEcho: 'AT-in-context' } as JsonObject, { httpCode: '401' });
    (original.context as Record<string, unknown>).data = { access_token: 'AT-in-context' };
    const out = toNodeError(node, original, 0);
    expect(out).not.toBe(original);
    expect((out as NodeApiError).httpCode).toBe('401');
    expect(persisted(out)).not.toContain('AT-in-context');
  });

  it('a refused URL is a NodeOperationError with the reason and the hint; other OAuth2 errors NodeApiErrors', () => {
    const refused = toNodeError(node, new OAuth2UrlRefusedError('the webhook host evil.example.test is not a Deployteq host; the token was not sent', 'Add the host to "Allowed webhook hosts".'), 1);
    expect(refused).toBeInstanceOf(NodeOperationError);
    expect(refused.message).toContain('evil.example.test is not a Deployteq host');
    expect(refused.description).toContain('Allowed webhook hosts');
    const protocol = toNodeError(node, new OAuth2ProtocolError({ code: 'invalid_grant', phase: 'refresh', status: 400 }), 1);
    expect(protocol).toBeInstanceOf(NodeApiError);
    expect((protocol as NodeApiError).httpCode).toBe('400');
  });
});
