import type { PendingAuthorization } from './authorize';

/**
 * Server-side store of pending authorization requests for hosts that run the callback themselves:
 * each state is single use, expires, and is bound to one owner (e.g. a config node id). Bounded in
 * size so abandoned requests cannot grow it without limit.
 */
export class PendingAuthorizationStore<Owner = string> {
  private readonly pending = new Map<string, { owner: Owner; request: PendingAuthorization }>();

  constructor(private readonly maxEntries = 100, private readonly now: () => number = Date.now) {}

  add(owner: Owner, request: PendingAuthorization): void {
    this.prune();
    while (this.pending.size >= this.maxEntries) this.pending.delete(this.pending.keys().next().value as string);
    this.pending.set(request.state, { owner, request });
  }

  /** Removes and returns the request for `state` if it exists and has not expired. */
  take(state: string | null | undefined): { owner: Owner; request: PendingAuthorization } | undefined {
    if (!state) return undefined;
    const entry = this.pending.get(state);
    this.pending.delete(state);
    if (!entry || entry.request.expiresAt <= this.now()) return undefined;
    return entry;
  }

  get size(): number {
    this.prune();
    return this.pending.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [state, entry] of this.pending) if (entry.request.expiresAt <= now) this.pending.delete(state);
  }
}
