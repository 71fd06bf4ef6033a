import { OAuth2ConfigError } from './errors';
import { formEncode } from './form-encoding';
import { algForPrivateKey, clientAssertion, type JwtSigningKey } from './jwt';
import type { ClientCredentialsConfig } from './types';

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export { formEncode };

/** The credential parts a token request carries, in the header or the body, never both. */
export interface ClientAuthParts {
  headers: Record<string, string>;
  params: Record<string, string>;
}

function requireSecret(client: ClientCredentialsConfig): string {
  if (!client.clientSecret) {
    throw new OAuth2ConfigError(`client authentication "${client.method}" needs a client secret`);
  }
  return client.clientSecret;
}

function signingKey(client: ClientCredentialsConfig): JwtSigningKey {
  if (client.method === 'client_secret_jwt') {
    const alg = client.signingAlg ?? 'HS256';
    if (alg !== 'HS256') throw new OAuth2ConfigError('client_secret_jwt signs with HS256');
    return { alg, key: requireSecret(client), kid: client.keyId };
  }
  if (!client.privateKey) throw new OAuth2ConfigError('private_key_jwt needs a private key (PEM)');
  const alg = client.signingAlg ?? algForPrivateKey(client.privateKey);
  if (alg === 'HS256') throw new OAuth2ConfigError('private_key_jwt signs with RS256 or ES256');
  return { alg, key: client.privateKey, kid: client.keyId };
}

/**
 * Client authentication for one token request to `tokenUrl`, as configured. Basic encodes per
 * RFC 6749 §2.3.1 unless `basic-raw` asks for the raw form some servers expect.
 */
export function clientAuthParts(client: ClientCredentialsConfig, tokenUrl: string, now = Date.now()): ClientAuthParts {
  if (!client.clientId) throw new OAuth2ConfigError('the client ID is empty');
  switch (client.method) {
    case 'basic':
    case 'basic-raw': {
      const secret = requireSecret(client);
      const pair = client.method === 'basic'
        ? `${formEncode(client.clientId)}:${formEncode(secret)}`
        : `${client.clientId}:${secret}`;
      return { headers: { authorization: `Basic ${Buffer.from(pair, 'utf8').toString('base64')}` }, params: {} };
    }
    case 'body':
      return { headers: {}, params: { client_id: client.clientId, client_secret: requireSecret(client) } };
    case 'none':
      return { headers: {}, params: { client_id: client.clientId } };
    case 'private_key_jwt':
    case 'client_secret_jwt': {
      const assertion = clientAssertion(client.clientId, client.assertionAudience ?? tokenUrl, signingKey(client), client.assertionLifetimeSec ?? 60, now);
      return {
        headers: {},
        params: { client_id: client.clientId, client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: assertion },
      };
    }
    default:
      throw new OAuth2ConfigError(`unknown client authentication method "${String(client.method)}"`);
  }
}

const CREDENTIAL_PARAMS = ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type'];

/**
 * Merges client authentication into a request, refusing configurations that would put the client's
 * credentials in the header and the body at once (RFC 6749 §2.3).
 */
export function applyClientAuth(
  parts: ClientAuthParts,
  headers: Record<string, string>,
  params: Record<string, string>,
): void {
  const headerAuth = 'authorization' in parts.headers;
  const bodyCredentials = CREDENTIAL_PARAMS.filter((name) => name in params && !(name in parts.params));
  if (headerAuth && bodyCredentials.includes('client_secret')) {
    throw new OAuth2ConfigError('client credentials would be sent in both the Authorization header and the body: remove client_secret from the extra parameters');
  }
  if (!headerAuth && Object.keys(headers).some((h) => h.toLowerCase() === 'authorization') && 'client_secret' in parts.params) {
    throw new OAuth2ConfigError('client credentials would be sent in both an Authorization header and the body: remove the extra Authorization header');
  }
  Object.assign(headers, parts.headers);
  Object.assign(params, parts.params);
}
