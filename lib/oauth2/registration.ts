/**
 * Dynamic client registration (RFC 7591): a client registers itself at the server's registration
 * endpoint with its redirect URI, grants and client authentication, and gets its client ID (and a
 * secret, a registration access token) back. The secret and the registration access token are
 * secrets: redacted from every error, handed only to the host that keeps them.
 */
import { jsonObjectOf, TOKEN_RESPONSE_MAX_BYTES } from './body';
import { refusal } from './endpoint-post';
import { OAuth2Error } from './errors';
import { RETRY_STATUSES } from './failure';
import { hostOf, transportOf, type EngineHost } from './host';
import { Redactor } from './redact';
import { sendWithRetry } from './send';
import type { ConcreteClientAuthMethod, Transport } from './types';
import { checkEndpointUrl } from './urls';

/** RFC 7591 §2 client metadata this engine sends. */
export interface ClientMetadata {
  redirect_uris?: string[];
  grant_types: string[];
  response_types?: string[];
  token_endpoint_auth_method: string;
  client_name?: string;
  scope?: string;
}

/** What the server registered (RFC 7591 §3.2.1). */
export interface RegisteredClient {
  clientId: string;
  clientSecret?: string;
  /** Epoch ms; undefined: does not expire. */
  clientSecretExpiresAt?: number;
  registrationAccessToken?: string;
  registrationClientUri?: string;
  tokenEndpointAuthMethod: string;
}

export interface RegistrationOptions {
  transport?: Transport;
  host?: EngineHost;
  allowHttpHosts?: string[];
  timeoutMs?: number;
  /** RFC 7591 §3: an initial access token some servers require. */
  initialAccessToken?: string;
  redactor?: Redactor;
}

/** The server's client authentication this client registers with: Basic, then the body, else none (a public client with PKCE). */
export function registrationAuthMethod(serverMethods: readonly string[]): { registered: string; method: ConcreteClientAuthMethod } {
  if (serverMethods.includes('client_secret_basic')) return { registered: 'client_secret_basic', method: 'basic' };
  if (serverMethods.includes('client_secret_post')) return { registered: 'client_secret_post', method: 'body' };
  return { registered: 'none', method: 'none' };
}

function parseRegistration(answer: Record<string, unknown>, redactor: Redactor): RegisteredClient {
  if (typeof answer.client_id !== 'string' || !answer.client_id) throw new OAuth2Error({ code: 'invalid_response', phase: 'config', description: 'the registration answer has no client_id' });
  const secret = typeof answer.client_secret === 'string' && answer.client_secret ? answer.client_secret : undefined;
  const token = typeof answer.registration_access_token === 'string' && answer.registration_access_token ? answer.registration_access_token : undefined;
  redactor.add(secret, token);
  const expires = Number(answer.client_secret_expires_at);
  return {
    clientId: answer.client_id,
    clientSecret: secret,
    clientSecretExpiresAt: Number.isFinite(expires) && expires > 0 ? expires * 1000 : undefined,
    registrationAccessToken: token,
    registrationClientUri: typeof answer.registration_client_uri === 'string' ? answer.registration_client_uri : undefined,
    tokenEndpointAuthMethod: typeof answer.token_endpoint_auth_method === 'string' ? answer.token_endpoint_auth_method : 'client_secret_basic',
  };
}

/** RFC 7591 §3.1: registers the client; a refusal is an `OAuth2Error` with the server's code (invalid_redirect_uri, invalid_client_metadata, …). */
export async function registerClient(endpoint: string, metadata: ClientMetadata, options: RegistrationOptions = {}): Promise<RegisteredClient> {
  checkEndpointUrl(endpoint, 'The registration URL', { allowHttpHosts: options.allowHttpHosts });
  const redactor = options.redactor ?? new Redactor();
  redactor.add(options.initialAccessToken);
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json' };
  if (options.initialAccessToken) headers.authorization = `Bearer ${options.initialAccessToken}`;
  const response = await sendWithRetry(
    { url: endpoint, method: 'POST', headers, body: JSON.stringify(metadata), maxResponseBytes: TOKEN_RESPONSE_MAX_BYTES },
    { transport: transportOf(options.transport, options.host), timeoutMs: options.timeoutMs ?? 30_000, retry: { maxRetries: 1, maxDelayMs: 10_000, baseDelayMs: 500 }, retryStatuses: RETRY_STATUSES.notProcessed, phase: 'config', redactor, host: hostOf(options.host) },
  );
  const answer = jsonObjectOf(response.body);
  if (response.status !== 201 && response.status !== 200) throw refusal(response.status, answer, 'config', 'the registration endpoint', redactor);
  return parseRegistration(answer ?? {}, redactor);
}
