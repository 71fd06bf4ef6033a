/**
 * Keep-alive of an idle credential: refresh before the refresh token expires, and optionally at a
 * fixed interval (providers revoke refresh tokens left unused), with no flow running. Decides when;
 * the config node runs the refresh.
 */
import type { TokenSet } from '../../lib/oauth2/types';
import type { RedSettings } from './red';

const DAY = 24 * 3600_000;
/** setTimeout's longest delay; beyond it the schedule is recomputed then. */
const MAX_DELAY = 2 ** 31 - 1;
/**
 * The keep-alive never refreshes sooner than this after the tokens were obtained, whatever the
 * provider says about the refresh token's life or the interval set: a refresh token said to live
 * one second must not pin a config node at one token request a second. settings.js may lower it
 * (`oauth2Connectors.keepAliveFloorSec`, for tests and demos), never below a second.
 */
export const KEEP_ALIVE_FLOOR_MS = 5 * 60_000;

/** The floor in force: settings.js's `oauth2Connectors.keepAliveFloorSec` (at least 1 s), else 5 minutes. */
export function keepAliveFloorMs(settings: RedSettings): number {
  const section = settings.oauth2Connectors as { keepAliveFloorSec?: unknown } | undefined;
  const sec = Number(section?.keepAliveFloorSec);
  return section?.keepAliveFloorSec !== undefined && Number.isFinite(sec) && sec >= 1 ? sec * 1000 : KEEP_ALIVE_FLOOR_MS;
}

/**
 * When the next keep-alive refresh is due (epoch ms), or undefined when none is needed: with a
 * refresh token, before it expires (a fifth of its life ahead, at most a day), and every
 * `intervalMs` after the tokens were obtained when an interval is set; never sooner than
 * the floor after they were obtained. A refresh token that expires within the floor
 * cannot be kept alive: it is not planned for (`shortLived` is its life in ms, to warn about).
 */
export function keepAlivePlan(tokens: TokenSet | undefined, intervalMs: number | undefined, floorMs = KEEP_ALIVE_FLOOR_MS): { due?: number; shortLived?: number } {
  if (!tokens?.refreshToken) return {};
  const obtained = tokens.obtainedAt ?? Date.now();
  const floor = obtained + floorMs;
  const candidates: number[] = [];
  let shortLived: number | undefined;
  if (tokens.refreshExpiresAt !== undefined) {
    const life = tokens.refreshExpiresAt - obtained;
    if (tokens.refreshExpiresAt <= floor) shortLived = Math.max(0, life);
    else candidates.push(Math.max(floor, tokens.refreshExpiresAt - Math.min(DAY, life / 5)));
  }
  if (intervalMs && intervalMs > 0) candidates.push(Math.max(floor, obtained + intervalMs));
  return { due: candidates.length ? Math.min(...candidates) : undefined, shortLived };
}

/** How long to wait after `failures` failed keep-alive refreshes in a row: 1 min, doubling, at most 1 h. */
export function keepAliveBackoff(failures: number): number {
  return failures > 0 ? Math.min(3600_000, 60_000 * 2 ** Math.min(failures - 1, 10)) : 0;
}

/**
 * Runs `refresh` at `planned` (a `keepAlivePlan`'s due time; after a failure, not before the
 * back-off); returns a cancel function. Call again with the new tokens' plan afterwards.
 */
export function scheduleKeepAlive(planned: number | undefined, failures: number, refresh: () => void): () => void {
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
