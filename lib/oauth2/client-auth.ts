import { OAuth2ConfigError } from './errors';
import { formEncode } from './form-encoding';
import { algForPrivateKey, clientAssertion, type JwtSigningKey } from './jwt';
import type { ClientCredentialsConfig, ConcreteClientAuthMethod } from './types';

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

/** The RFC 8414 names of our methods (`token_endpoint_auth_methods_supported`). */
export const CLIENT_AUTH_METADATA_NAMES: Record<ConcreteClientAuthMethod, string> = {
  basic: 'client_secret_basic',
  'basic-raw': 'client_secret_basic',
  body: 'client_secret_post',
  none: 'none',
  private_key_jwt: 'private_key_jwt',
  client_secret_jwt: 'client_secret_jwt',
};

/** Human names, for hints and the editors. */
export const CLIENT_AUTH_LABELS: Record<ConcreteClientAuthMethod, string> = {
  basic: 'Basic header (RFC 6749 encoded)',
  'basic-raw': 'Basic header (raw)',
  body: 'credentials in the body',
  none: 'none (public client)',
  private_key_jwt: 'private_key_jwt',
  client_secret_jwt: 'client_secret_jwt',
};

/** Whether RFC 6749 §2.3.1 encoding changes the client ID or secret (then raw Basic differs). */
export function basicFormsDiffer(client: ClientCredentialsConfig): boolean {
  return formEncode(client.clientId) !== client.clientId || (!!client.clientSecret && formEncode(client.clientSecret) !== client.clientSecret);
}

/**
 * The methods to try, in order. An explicit method is the only one. `auto` (the default): a private
 * key means private_key_jwt, no secret means none; otherwise what the server's metadata supports
 * (Basic before body), or, without metadata, encoded Basic, raw Basic (only when it differs), body.
 */
export function clientAuthCandidates(client: ClientCredentialsConfig, serverMethods?: readonly string[]): ConcreteClientAuthMethod[] {
  const method = client.method ?? 'auto';
  if (method !== 'auto') return [method];
  if (client.privateKey) return ['private_key_jwt'];
  if (!client.clientSecret) return ['none'];
  const basic: ConcreteClientAuthMethod[] = basicFormsDiffer(client) ? ['basic', 'basic-raw'] : ['basic'];
  if (serverMethods?.length) {
    const out: ConcreteClientAuthMethod[] = [];
    if (serverMethods.includes('client_secret_basic')) out.push(...basic);
    if (serverMethods.includes('client_secret_post')) out.push('body');
    if (!out.length && serverMethods.includes('client_secret_jwt')) out.push('client_secret_jwt');
    if (out.length) return out;
  }
  return [...basic, 'body'];
}

/**
 * Client authentication for one token request to `tokenUrl`, as configured. Basic encodes per
 * RFC 6749 §2.3.1 unless `basic-raw` asks for the raw form some servers expect. `method` overrides
 * the configured one (how `auto` tries its candidates).
 */
export function clientAuthParts(client: ClientCredentialsConfig, tokenUrl: string, now = Date.now(), method: ConcreteClientAuthMethod | 'auto' = client.method ?? 'auto'): ClientAuthParts {
  // an assertion grant may come without any client (RFC 7523 §2.1: client authentication is optional)
  if (!client.clientId && method === 'none') return { headers: {}, params: {} };
  if (!client.clientId) throw new OAuth2ConfigError('the client ID is empty');
  if (method === 'auto') method = clientAuthCandidates(client)[0];
  client = { ...client, method };
  switch (method) {
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
