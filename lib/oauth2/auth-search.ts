/**
 * `auto` client authentication remembers, per process, the settings for which every candidate
 * method was refused (`invalid_client`): later token requests with the same settings send one
 * request instead of the whole search again (the candidates in turn, the likeliest first, so a
 * provider that changes its mind is found), until the settings change or a request succeeds. Some
 * providers lock a client after repeated failed authentications. Keyed by a hash of the settings,
 * never by a secret; bounded. A host that keeps the learned method also keeps this memory
 * (`RefusedSearch`, handed over through `ClientAuthState`), so it survives a restart.
 */
import { createHash } from 'node:crypto';
import type { OAuth2Config } from './types';

/** A search refused with every method, as a host keeps it: the settings' hash and the single requests sent since. */
export interface RefusedSearch {
  key: string;
  sent: number;
}

/** Settings refused with every method → how many single requests were sent since. */
const refused = new Map<string, number>();
const MAX_ENTRIES = 1024;

/** The settings a search depends on (token endpoint, client, secret or key), as a hash. */
export function authSearchKey(config: OAuth2Config, url: string): string {
  const { client } = config;
  return createHash('sha256')
    .update(JSON.stringify([url, client.clientId, client.clientSecret ?? '', client.privateKey ?? '', client.method ?? 'auto', config.extraTokenHeaders ?? {}]))
    .digest('hex');
}

/**
 * After a search refused with every method (and nothing succeeded since): the index of the one
 * candidate to send now, in turn; undefined when there was no such search.
 */
export function nextAfterRefusedSearch(key: string, candidates: number): number | undefined {
  const sent = refused.get(key);
  if (sent === undefined) return undefined;
  refused.set(key, sent + 1);
  return sent % candidates;
}

/** Records the outcome of a search: refused with every method, or a method that worked. */
export function recordAuthSearch(key: string, outcome: 'refused' | 'succeeded'): void {
  if (outcome === 'succeeded') {
    refused.delete(key);
    return;
  }
  if (refused.has(key)) return;
  if (refused.size >= MAX_ENTRIES) refused.clear();
  refused.set(key, 0);
}

/** What this process remembers of `key`, for a host to keep (undefined: no refused search). */
export function refusedSearchOf(key: string): RefusedSearch | undefined {
  const sent = refused.get(key);
  return sent === undefined ? undefined : { key, sent };
}

/** Takes back a refused search a host kept (after a restart); what this process knows wins. */
export function restoreRefusedSearch(memory: RefusedSearch): void {
  if (refused.has(memory.key) || !/^[0-9a-f]{64}$/.test(memory.key)) return;
  if (refused.size >= MAX_ENTRIES) refused.clear();
  refused.set(memory.key, Number.isSafeInteger(memory.sent) && memory.sent >= 0 ? memory.sent : 0);
}

/** Forgets every refused search of this process (as a restart does; for tests). */
export function forgetRefusedSearches(): void {
  refused.clear();
}
