import { redact, type Redactor } from './redact';

/** Where in an OAuth2 exchange an error happened. */
export type OAuth2Phase = 'authorize' | 'callback' | 'token' | 'refresh' | 'api' | 'config';

export interface OAuth2ErrorDetails {
  /** RFC 6749 error code (`invalid_grant`, …) or one of ours (`invalid_response`, `timeout`, …). */
  code: string;
  description?: string;
  status?: number;
  phase: OAuth2Phase;
  /** What the user can do about it. */
  hint?: string;
  /** Whether repeating the same request later may succeed. */
  retryable?: boolean;
  cause?: unknown;
}

const HINTS: Record<string, (phase: OAuth2Phase) => string> = {
  invalid_request: (phase) =>
    phase === 'refresh'
      ? 'The refresh token was refused (the server called the refresh request invalid, as some do for revoked tokens): it is not sent again; reconnect the credential if it has no other grant.'
      : 'The server rejected the request as malformed: check the token URL, grant settings and extra parameters.',
  invalid_client: () =>
    'Client authentication failed: check the client ID and secret, and the client authentication method. Many servers compare the Basic header without decoding it: if the ID or secret contains characters such as + / = ~ @ : or %, choose "auto" or raw Basic (or the body).',
  invalid_grant: (phase) =>
    phase === 'refresh'
      ? 'The refresh token was rejected (expired, revoked or already used): reconnect the credential.'
      : 'The grant was rejected (wrong or expired code, wrong username or password, or a redirect URI that differs from the one registered).',
  unauthorized_client: () => 'This client is not allowed to use this grant type: enable it for the application at the provider.',
  unsupported_grant_type: () => 'The server does not support this grant type: choose another grant in the credential.',
  invalid_scope: () => 'The requested scope is invalid or not granted to this client: check the scopes.',
  access_denied: () => 'The user or the server denied the authorization request: authorize again and approve access.',
  temporarily_unavailable: () => 'The server is temporarily unavailable: try again later.',
  server_error: () => 'The authorization server had an internal error: try again later.',
  reauthorization_required: () => 'There is no usable refresh token: reconnect the credential.',
  invalid_response: () => 'The server answered with something that is not a valid token response: check the token URL.',
  state_mismatch: () => 'The authorization response does not belong to this authorization request (state mismatch): start the authorization again.',
  issuer_mismatch: () => 'The authorization response came from an unexpected issuer (RFC 9207): check the provider settings.',
  timeout: () => 'The request timed out: check the network and the URL, or raise the timeout.',
  network_error: () => 'The server could not be reached: check the URL and the network.',
  http_error: () => 'The server answered with an HTTP error.',
  config_error: () => 'The credential settings are incomplete or contradictory.',
  response_too_large: () => 'The answer was larger than the configured limit: raise the limit if the answer is legitimate, or check the URL.',
  token_rejected: () =>
    'The API rejected a token that had just been obtained: refreshing again would not help, so the credential waits before it refreshes again. Check the scopes, the audience and the API URL.',
  metadata_unreachable: () => 'The server\'s metadata could not be read (no answer, too large or a server error): try again later, or set the endpoint in the settings.',
  metadata_not_found: () => 'The server publishes no metadata there: enter the endpoints yourself, or check the URL.',
  resource_mismatch: () => 'The metadata does not describe the API it was found for (RFC 9728 §3.3), so it is not used: enter the endpoints yourself if you trust this server.',
  redirect_refused: () => 'The server redirected to another origin; the credential is never sent there. Use the final URL directly if you trust it.',
};

function hintFor(code: string, phase: OAuth2Phase): string | undefined {
  // own members only: a server may answer with any code, "__proto__" and "constructor" included
  return Object.prototype.hasOwnProperty.call(HINTS, code) ? HINTS[code](phase) : undefined;
}

/** Base class of every error the engine throws. Messages never contain secrets or tokens. */
export class OAuth2Error extends Error {
  readonly code: string;
  readonly description?: string;
  readonly status?: number;
  readonly phase: OAuth2Phase;
  readonly hint?: string;
  readonly retryable: boolean;

  constructor(details: OAuth2ErrorDetails, redactor?: Redactor) {
    const description = details.description === undefined ? undefined : redact(details.description, redactor);
    const hint = details.hint ?? hintFor(details.code, details.phase);
    const parts = [`OAuth2 ${details.phase} failed: ${details.code}`];
    if (details.status !== undefined) parts[0] += ` (HTTP ${details.status})`;
    if (description) parts.push(description);
    if (hint) parts.push(hint);
    super(parts.join('. ').replace(/\.\./g, '.'));
    this.name = new.target.name;
    this.code = details.code;
    this.description = description;
    this.status = details.status;
    this.phase = details.phase;
    this.hint = hint;
    this.retryable = details.retryable ?? false;
  }

  /** A JSON-safe view for hosts (n8n `NodeApiError`, Node-RED `done(err)`). */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, code: this.code, description: this.description, status: this.status, phase: this.phase, hint: this.hint };
  }
}

/** The server answered with an RFC 6749 §5.2 / §4.1.2.1 error. */
export class OAuth2ProtocolError extends OAuth2Error {}

/** The server answered, but not with something we can use (HTML page, no access_token, bad JSON). */
export class OAuth2ResponseError extends OAuth2Error {}

/** The request did not get an answer (network failure, timeout). */
export class OAuth2TransportError extends OAuth2Error {}

/** The authorization callback is unusable (error, state or issuer mismatch, no code). */
export class OAuth2CallbackError extends OAuth2Error {}

/** The configuration is incomplete or contradictory. */
export class OAuth2ConfigError extends OAuth2Error {
  constructor(description: string) {
    super({ code: 'config_error', phase: 'config', description });
  }
}

/** Needs the user to authorize again: no refresh token, or the refresh token was rejected. */
export class OAuth2ReauthorizationRequired extends OAuth2Error {}
