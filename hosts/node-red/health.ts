/**
 * Credential health for flows: every config node of ours publishes its lifecycle here (token
 * obtained, refreshed, refresh token rotated, refresh failed, reconnect needed, recovered,
 * disconnected), and `oauth2-health` nodes turn them into messages. Secret-free by construction:
 * events carry the config node's identity, times and redacted messages only.
 */
import { EventEmitter } from 'node:events';

export interface HealthEvent {
  event: string;
  configNode: { id: string; type: string; name: string };
  /** Epoch ms. */
  at: number;
  message: string;
  expiresAt?: number;
  refreshExpiresAt?: number;
  scope?: string;
}

const bus = new EventEmitter();
bus.setMaxListeners(0);

export function publishHealth(event: HealthEvent): void {
  bus.emit('event', event);
}

export function onHealth(listener: (event: HealthEvent) => void): () => void {
  bus.on('event', listener);
  return () => bus.off('event', listener);
}
