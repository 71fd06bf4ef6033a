/**
 * The one failure taxonomy. Every host and every retry loop asks here:
 * - which codes exist (closed lists: the OAuth registries and the engine's own) and which may be
 *   shown or kept: a server chooses the `error` member of its answer, and a hostile or broken one
 *   may put a token or a secret there, so anything unknown becomes `GENERIC_CODE`;
 * - what a failure means for the request that met it (`classifyFailure`): transient, refused,
 *   failed or configuration, knowing the grant (a repeatable grant may run again; a refresh token
 *   that was refused is never sent again);
 * - which answer statuses each kind of request retries (`RETRY_STATUSES`).
 */
import { OAuth2Error, OAuth2TransportError, type OAuth2Phase } from './errors';

/** Codes servers send, from RFC 6749 and the IANA "OAuth Extensions Error Registry". */
export const OAUTH_CODES = [
  // RFC 6749 §4.1.2.1 and §5.2
  'invalid_request', 'unauthorized_client', 'access_denied', 'unsupported_response_type', 'invalid_scope', 'server_error',
  'temporarily_unavailable', 'invalid_client', 'invalid_grant', 'unsupported_grant_type',
  // RFC 6750 (bearer tokens), RFC 7009 (revocation), RFC 8628 (device flow)
  'invalid_token', 'insufficient_scope', 'unsupported_token_type', 'authorization_pending', 'slow_down', 'expired_token',
  // RFC 7591 (dynamic registration), RFC 8707 (resource indicators), RFC 9449 (DPoP), RFC 9396, RFC 9470
  'invalid_redirect_uri', 'invalid_client_metadata', 'invalid_software_statement', 'unapproved_software_statement', 'invalid_target',
  'invalid_dpop_proof', 'use_dpop_nonce', 'invalid_authorization_details', 'insufficient_user_authentication',
  // OpenID Connect Core §3.1.2.6 and RFC 9101 / 9126 (request objects, pushed requests)
  'interaction_required', 'login_required', 'account_selection_required', 'consent_required', 'invalid_request_uri',
  'invalid_request_object', 'request_not_supported', 'request_uri_not_supported', 'registration_not_supported',
] as const;

/** The engine's own codes (`OAuth2Error.code` when no server code applies). */
export const ENGINE_CODES = [
  'network_error', 'timeout', 'http_error', 'invalid_response', 'config_error', 'response_too_large', 'reauthorization_required',
  'token_rejected', 'redirect_refused', 'state_mismatch', 'issuer_mismatch', 'metadata_unreachable', 'persist_failed',
  'metadata_not_found', 'resource_mismatch',
] as const;

export type OAuthCode = (typeof OAUTH_CODES)[number];
export type EngineCode = (typeof ENGINE_CODES)[number];
export type KnownCode = OAuthCode | EngineCode;

const KNOWN: ReadonlySet<string> = new Set<string>([...OAUTH_CODES, ...ENGINE_CODES]);
const ENGINE: ReadonlySet<string> = new Set<string>(ENGINE_CODES);

/** What an unknown code is shown as. */
export const GENERIC_CODE = 'unrecognised_error';

/** Whether `code` is a registered OAuth code or one of the engine's. */
export function isKnownCode(code: unknown): code is KnownCode {
  return typeof code === 'string' && KNOWN.has(code);
}

/** A code fit to show and keep: a known one as it is, anything else the generic code; undefined for none. */
export function publicCode(code: unknown): string | undefined {
  if (code === undefined || code === null || code === '') return undefined;
  return isKnownCode(code) ? code : GENERIC_CODE;
}

/** What a failure means for the credential that met it. */
export type FailureClass =
  /** try again later (the same request may succeed): no answer, 5xx, 408/425/429, "try later" codes */
  | 'transient'
  /** the refresh token (or the lack of one) is dead: never send it again; reconnect unless a grant can start over */
  | 'refused'
  /** the server refused this request; repeating it unchanged will not help */
  | 'failed'
  /** the settings are incomplete or contradictory */
  | 'configuration';

/** RFC 6749 and extension grant types, by their wire names. */
export const GRANT = {
  authorizationCode: 'authorization_code',
  refreshToken: 'refresh_token',
  clientCredentials: 'client_credentials',
  password: 'password',
  jwtBearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  samlBearer: 'urn:ietf:params:oauth:grant-type:saml2-bearer',
  tokenExchange: 'urn:ietf:params:oauth:grant-type:token-exchange',
  deviceCode: 'urn:ietf:params:oauth:grant-type:device_code',
} as const;

/**
 * Grants whose request may simply be made again: client credentials, password and assertion grants
 * spend nothing. A code, a rotating refresh token, a device code or a subject token may be spent by
 * an attempt whose answer was lost.
 */
const REPEATABLE_GRANTS: ReadonlySet<string> = new Set([GRANT.clientCredentials, GRANT.password, GRANT.jwtBearer, GRANT.samlBearer]);

export function isRepeatableGrant(grantType: string): boolean {
  return REPEATABLE_GRANTS.has(grantType);
}

/** Named retry status sets; every retry loop takes one of these. */
export const RETRY_STATUSES = {
  /** The request was not processed (rate limited, unavailable): safe to repeat for any request. */
  notProcessed: [429, 503],
  /** A failed attempt that a repeatable grant may make again (also a 500). */
  repeatable: [429, 500, 502, 503, 504],
  /** A read (GET) through gateways: a gateway's error is repeated, a 500 (often the same again) is not. */
  read: [429, 502, 503, 504],
} as const satisfies Record<string, readonly number[]>;

/** The statuses a token request with this grant retries. */
export function tokenRetryStatuses(grantType: string): readonly number[] {
  return isRepeatableGrant(grantType) ? RETRY_STATUSES.repeatable : RETRY_STATUSES.notProcessed;
}

const TRANSIENT_CODES: ReadonlySet<string> = new Set<KnownCode>([
  'temporarily_unavailable', 'server_error', 'slow_down', 'authorization_pending', 'use_dpop_nonce',
  'timeout', 'network_error', 'response_too_large', 'metadata_unreachable',
]);
const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 425, 429]);

/** Whether an answer (or its absence) says "try again later". */
export function isTransient(code: string, status?: number): boolean {
  return TRANSIENT_CODES.has(code) || (status !== undefined && (status >= 500 || TRANSIENT_STATUSES.has(status)));
}

/** What is known of a failure, from an engine error or translated from a host's error. */
export interface FailureFacts {
  code: string;
  status?: number;
  phase?: OAuth2Phase;
  /** No answer arrived (network failure, timeout). */
  noAnswer?: boolean;
}

/**
 * The one classification. For a refresh, any other refusal is final for that refresh token: a 4xx
 * (also `invalid_client`, `invalid_scope`, `unauthorized_client`, and `invalid_request`, which some
 * servers answer for a revoked token) or a 2xx carrying an OAuth error. For other grants the same
 * answers are a failed request; `reauthorization_required` (no usable refresh token) is a refusal
 * whatever the grant.
 */
export function classifyFailure(facts: FailureFacts, grantType: string): FailureClass {
  if (facts.noAnswer) return 'transient';
  if (facts.code === 'config_error' || facts.phase === 'config') return 'configuration';
  if (facts.code === 'reauthorization_required') return 'refused';
  if (isTransient(facts.code, facts.status)) return 'transient';
  return grantType === GRANT.refreshToken && refusesRefreshToken(facts) ? 'refused' : 'failed';
}

function refusesRefreshToken({ code, status }: FailureFacts): boolean {
  // a 2xx (or an answer whose status the host lost) refuses only with an error the server chose
  if (status === undefined || (status >= 200 && status < 300)) return !ENGINE.has(code);
  return status >= 400 && status < 500;
}

/** What an engine error says of its failure. */
export function failureFactsOf(error: OAuth2Error): FailureFacts {
  return { code: error.code, status: error.status, phase: error.phase, noAnswer: error instanceof OAuth2TransportError };
}

/** `classifyFailure` for a thrown error: the engine's typed errors; anything else failed. */
export function classifyError(error: unknown, grantType: string): FailureClass {
  return error instanceof OAuth2Error ? classifyFailure(failureFactsOf(error), grantType) : 'failed';
}

/**
 * Whether a failed refresh means the refresh token must not be sent again. Then a grant that can
 * run again does (client credentials, password) and an authorization-code credential needs
 * reconnecting; network failures, timeouts, 5xx, 408, 425 and 429 leave it for a later attempt.
 */
export function refreshTokenRefused(error: unknown): boolean {
  return classifyError(error, GRANT.refreshToken) === 'refused';
}
