/**
 * Which failure codes may be shown or kept. A server chooses the `error` member of its answer, and
 * a hostile or broken one may put a token or a secret there: only codes from the OAuth registries
 * and the engine's own pass through; anything else becomes `GENERIC_CODE`.
 */

/** Codes servers send, from RFC 6749 and the IANA "OAuth Extensions Error Registry". */
const REGISTERED = [
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
const ENGINE = [
  'network_error', 'timeout', 'http_error', 'invalid_response', 'config_error', 'response_too_large', 'reauthorization_required',
  'token_rejected', 'redirect_refused', 'state_mismatch', 'issuer_mismatch', 'metadata_unreachable', 'persist_failed',
] as const;

export type KnownCode = (typeof REGISTERED)[number] | (typeof ENGINE)[number];

const KNOWN: ReadonlySet<string> = new Set<string>([...REGISTERED, ...ENGINE]);

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
