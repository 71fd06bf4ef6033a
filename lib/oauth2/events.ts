/**
 * A credential's life as events hosts can show or forward (a Node-RED health node, an n8n alert
 * workflow): tokens obtained and refreshed, refresh tokens rotated, a refresh that failed and will
 * be retried, "reconnect needed", and recovery after a failure. No secret in any event.
 */
export type CredentialEventType = 'obtained' | 'refreshed' | 'rotated' | 'refresh_failed' | 'reconnect_needed' | 'recovered';

export interface CredentialEvent {
  type: CredentialEventType;
  /** Epoch ms. */
  at: number;
  /** What happened, for people; secret-free (redacted like every error message). */
  message: string;
  /** When the access token expires, when known. */
  expiresAt?: number;
  /** When the refresh token expires, when known. */
  refreshExpiresAt?: number;
  scope?: string;
}
