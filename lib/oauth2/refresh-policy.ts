/**
 * The refresh decisions every host must make the same way. One server answer, one outcome.
 */
import { OAuth2Error, OAuth2TransportError } from './errors';

/** Codes that say "try again later", whatever the status. */
const TRANSIENT_CODES = new Set(['temporarily_unavailable', 'server_error', 'timeout', 'network_error', 'response_too_large']);

/**
 * Whether a failed refresh means the refresh token must not be sent again: any non-transient 4xx
 * (also `invalid_request`, which some servers send for a revoked token, and a 200 carrying an OAuth
 * error). Then a grant that can run again does (client credentials, password) and an
 * authorization-code credential needs reconnecting. Network failures, timeouts, 5xx, 408, 425 and
 * 429 leave the refresh token in place for a later attempt.
 */
export function refreshTokenRefused(error: unknown): boolean {
  if (!(error instanceof OAuth2Error) || error instanceof OAuth2TransportError) return false;
  if (error.code === 'reauthorization_required') return true;
  if (TRANSIENT_CODES.has(error.code) || error.phase === 'config') return false;
  const status = error.status;
  if (status === undefined || (status >= 200 && status < 300)) return error.code !== 'invalid_response' && error.code !== 'http_error';
  if (status === 408 || status === 425 || status === 429) return false;
  return status >= 400 && status < 500;
}
