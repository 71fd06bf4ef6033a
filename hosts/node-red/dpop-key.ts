/**
 * A config node's DPoP key (RFC 9449), kept in its encrypted token-store entry with its tokens (the
 * store carries it through every later write of the entry). A node without one gets a new key,
 * written before anything else of that entry (writes of one node are ordered), so tokens bound to
 * it are never stored without it.
 */
import { generateDpopKey } from '../../lib/oauth2/dpop';
import type { BuiltConfig } from './builders';
import type { TokenStore } from './token-store';

/** Keys made in this process whose write has not landed yet. */
const fresh = new Map<string, string>();

export function dpopKeyOf(store: TokenStore, nodeId: string): string {
  const current = store.read(nodeId);
  const kept = current?.dpopKey ?? fresh.get(nodeId);
  if (kept) return kept;
  const key = generateDpopKey();
  fresh.set(nodeId, key);
  void store
    .write({ ...(current ?? { nodeId, fingerprint: 'dpop' }), dpopKey: key, savedAt: Date.now() })
    .catch(() => undefined)
    .finally(() => fresh.delete(nodeId));
  return key;
}

/** The configuration with the node's DPoP key when its settings ask for DPoP. */
export function withDpopKey(store: TokenStore, nodeId: string, built: BuiltConfig): BuiltConfig {
  return built.dpop ? { ...built, config: { ...built.config, dpopKey: dpopKeyOf(store, nodeId) } } : built;
}
