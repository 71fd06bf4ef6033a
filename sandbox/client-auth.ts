// Client authentication at the token endpoints, in the three styles the providers use.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { OAuthError, parseBasicAuth, type BasicCredentials, type ParsedForm } from './http-util';
import type { ClientRegistration } from './types';

export interface ClientAuthResult {
  client: ClientRegistration;
  /** 'client_secret_basic' (RFC form-encoded, or needing no encoding), 'client_secret_basic_raw', 'client_secret_post' or 'none'. */
  method: string;
}

const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="sandbox", charset="UTF-8"' };

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function secretMatches(client: ClientRegistration, secret: string): boolean {
  if (client.clientSecret === undefined) return false;
  return timingSafeEqual(digest(client.clientSecret), digest(secret));
}

export function invalidClient(description: string, basicChallenge: boolean): OAuthError {
  return new OAuthError(401, 'invalid_client', description, basicChallenge ? BASIC_CHALLENGE : {});
}

/** A rough description of how the request tried to authenticate (before verification). */
export function describeClientAuth(req: IncomingMessage, form: ParsedForm): { method: string; clientId: string | null } {
  const basic = parseBasicAuth(req);
  const bodySecret = form.params.has('client_secret');
  const bodyId = form.params.get('client_id') ?? null;
  if (basic !== undefined && (bodySecret || (bodyId !== null && basic !== null && basic.raw.id !== bodyId))) {
    return { method: 'both', clientId: basic?.raw.id ?? bodyId };
  }
  if (basic) return { method: 'client_secret_basic', clientId: basic.form?.id ?? basic.raw.id };
  if (basic === null) return { method: 'unsupported-authorization-header', clientId: bodyId };
  if (bodySecret) return { method: 'client_secret_post', clientId: bodyId };
  if (bodyId !== null) return { method: 'none', clientId: bodyId };
  return { method: 'missing', clientId: null };
}

/** Matches Basic credentials, trying the RFC 6749 §2.3.1 form-decoded value and/or the raw value. */
export function matchBasic(creds: BasicCredentials, clients: ClientRegistration[], decoding: 'either' | 'form' | 'raw'): ClientAuthResult | null {
  if (decoding !== 'raw' && creds.form) {
    const form = creds.form;
    const client = clients.find((c) => c.clientId === form.id);
    if (client && secretMatches(client, form.secret)) return { client, method: 'client_secret_basic' };
  }
  if (decoding !== 'form') {
    const client = clients.find((c) => c.clientId === creds.raw.id);
    if (client && secretMatches(client, creds.raw.secret)) return { client, method: 'client_secret_basic_raw' };
  }
  return null;
}

/** Deployteq: HTTP Basic only (raw or RFC form-encoded); credentials in the body are refused. */
export function authenticateBasicOnly(req: IncomingMessage, form: ParsedForm, clients: ClientRegistration[]): ClientAuthResult {
  const basic = parseBasicAuth(req);
  const inBody = form.params.has('client_id') || form.params.has('client_secret');
  if (basic !== undefined && inBody) {
    throw new OAuthError(400, 'invalid_request', 'Client credentials were sent both in the Authorization header and in the request body; use HTTP Basic only');
  }
  if (inBody) throw invalidClient('Client credentials in the request body are not accepted: use HTTP Basic authentication', true);
  if (basic === undefined) throw invalidClient('Client authentication required: use HTTP Basic authentication', true);
  if (basic === null) throw invalidClient('Unsupported Authorization header: use HTTP Basic authentication', true);
  const match = matchBasic(basic, clients, 'either');
  if (!match) throw invalidClient('Client authentication failed: unknown client or wrong secret', true);
  return match;
}

/** Zendesk Chat: client_id and client_secret in the body only; a Basic header is refused. */
export function authenticateBodyOnly(req: IncomingMessage, form: ParsedForm, clients: ClientRegistration[]): ClientAuthResult {
  if (req.headers.authorization !== undefined) {
    throw invalidClient('HTTP Basic client authentication is not supported: send client_id and client_secret in the request body', false);
  }
  const id = form.params.get('client_id');
  const secret = form.params.get('client_secret');
  if (id === undefined) throw invalidClient('client_id is missing from the request body', false);
  const client = clients.find((c) => c.clientId === id);
  if (!client) throw invalidClient('Unknown client_id', false);
  if (secret === undefined) throw invalidClient('client_secret is missing from the request body', false);
  if (!secretMatches(client, secret)) throw invalidClient('Client authentication failed: wrong client_secret', false);
  return { client, method: 'client_secret_post' };
}

/** Generic: Basic (form-encoded and/or raw), client_secret_post, or none for public clients. */
export function authenticateAny(
  req: IncomingMessage,
  form: ParsedForm,
  clients: ClientRegistration[],
  decoding: 'either' | 'form' | 'raw',
): ClientAuthResult {
  const basic = parseBasicAuth(req);
  const bodyId = form.params.get('client_id');
  const bodySecret = form.params.get('client_secret');
  if (basic !== undefined) {
    if (bodySecret !== undefined) {
      throw new OAuthError(400, 'invalid_request', 'Client credentials were sent both in the Authorization header and in the request body (RFC 6749 §2.3: use one method)');
    }
    if (basic === null) throw invalidClient('Unsupported Authorization header: expected Basic client credentials', true);
    const match = matchBasic(basic, clients, decoding);
    if (!match) {
      const rawWouldWork = decoding === 'form' && matchBasic(basic, clients, 'raw') !== null;
      throw invalidClient(
        rawWouldWork
          ? 'Client authentication failed: the Basic credentials must be form-urlencoded before base64 (RFC 6749 §2.3.1)'
          : 'Client authentication failed: unknown client or wrong secret',
        true,
      );
    }
    if (bodyId !== undefined && bodyId !== match.client.clientId) {
      throw new OAuthError(400, 'invalid_request', 'client_id in the body does not match the authenticated client');
    }
    return match;
  }
  if (bodySecret !== undefined) {
    if (bodyId === undefined) throw invalidClient('client_id is missing from the request body', false);
    const client = clients.find((c) => c.clientId === bodyId);
    if (!client || !secretMatches(client, bodySecret)) throw invalidClient('Client authentication failed: unknown client or wrong secret', false);
    return { client, method: 'client_secret_post' };
  }
  if (bodyId !== undefined) {
    const client = clients.find((c) => c.clientId === bodyId);
    if (!client) throw invalidClient('Unknown client_id', false);
    if (!client.public) throw invalidClient('This client is confidential: authenticate with HTTP Basic or client_secret_post', true);
    return { client, method: 'none' };
  }
  throw invalidClient('Client authentication required', true);
}
