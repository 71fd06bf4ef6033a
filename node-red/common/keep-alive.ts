/**
 * Keep-alive of an idle credential: refresh before the refresh token expires, and optionally at a
 * fixed interval (providers revoke refresh tokens left unused), with no flow running. Decides when;
 * the config node runs the refresh.
 */
import type { TokenSet } from '../../lib/oauth2/types';

const DAY = 24 * 3600_000;
/** setTimeout's longest delay; beyond it the schedule is recomputed then. */
const MAX_DELAY = 2 ** 31 - 1;

/**
 * When the next keep-alive refresh is due (epoch ms), or undefined when none is needed: with a
 * refresh token, before it expires (a fifth of its life ahead, at most a day), and every
 * `intervalMs` after the tokens were obtained when an interval is set.
 */
export function keepAliveDue(tokens: TokenSet | undefined, intervalMs: number | undefined): number | undefined {
  if (!tokens?.refreshToken) return undefined;
  const obtained = tokens.obtainedAt ?? Date.now();
  const candidates: number[] = [];
  if (tokens.refreshExpiresAt !== undefined) {
    const margin = Math.min(DAY, Math.max(1000, (tokens.refreshExpiresAt - obtained) / 5));
    candidates.push(tokens.refreshExpiresAt - margin);
  }
  if (intervalMs && intervalMs > 0) candidates.push(obtained + intervalMs);
  return candidates.length ? Math.min(...candidates) : undefined;
}

/** How long to wait after `failures` failed keep-alive refreshes in a row: 1 min, doubling, at most 1 h. */
export function keepAliveBackoff(failures: number): number {
  return failures > 0 ? Math.min(3600_000, 60_000 * 2 ** Math.min(failures - 1, 10)) : 0;
}

/**
 * Runs `refresh` when due (after a failure, not before the back-off); returns a cancel function.
 * Call again with the new tokens afterwards.
 */
export function scheduleKeepAlive(tokens: TokenSet | undefined, intervalMs: number | undefined, failures: number, refresh: () => void): () => void {
  const planned = keepAliveDue(tokens, intervalMs);
  if (planned === undefined) return () => undefined;
  const due = Math.max(planned, Date.now() + keepAliveBackoff(failures));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    const delay = Math.max(1000, due - Date.now());
    timer = setTimeout(() => (delay > MAX_DELAY ? arm() : refresh()), Math.min(delay, MAX_DELAY));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}
