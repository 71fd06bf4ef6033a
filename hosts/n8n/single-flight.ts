/**
 * One token request per token lifetime in this n8n process, for the `preAuthentication`
 * credentials. n8n runs `preAuthentication` for every request that met an expired token, and again
 * after any failed request, in parallel and without coordination (its lease covers only oAuth2Api
 * refreshes). Calls for the same settings share the grant in flight, and its token goes to every
 * later call that holds a token it replaced while it is valid (a call with no token, such as the
 * credential's Test, asks the server). A call holding the current
 * token (its request failed with it: revoked, or a 429, n8n cannot say) or a token this process
 * does not know (another queue-mode worker's) gets a new grant, shared in turn. State is keyed by a
 * hash of the settings (secrets included, never a secret itself) and holds a token only while it
 * is valid.
 */
import { createHash } from 'node:crypto';

import type { TokenSet } from '../../lib/oauth2/types';

/** How long a token of unknown lifetime is handed to other calls. */
const UNKNOWN_LIFETIME_MS = 3_600_000;
/** Handed out only while at least this much of it is left (and at least half its life). */
const SKEW_MS = 60_000;
const MAX_FLIGHTS = 256;

interface Flight {
	pending?: Promise<TokenSet>;
	tokens?: TokenSet;
	/** Hashes of the tokens this flight's grants replaced (the newest last): their holders get the current one. */
	replaced: string[];
}

const MAX_REPLACED = 16;

/**
 * Token requests of this process by credential settings (a hash of them, secrets included, never a
 * secret itself): the grant in flight, the token it gave while that is valid, and which tokens it
 * replaced.
 */
const flights = new Map<string, Flight>();

/** Forgets every token of this process (tests start from a clean state with it). */
export function clearTokenFlights(): void {
	flights.clear();
}

const digest = (value: string) => createHash('sha256').update(value).digest('hex');

/** The token can still be handed out: at least a minute (and half its life) left. */
function handable(tokens: TokenSet | undefined, now: number): tokens is TokenSet {
	if (!tokens) return false;
	const obtained = tokens.obtainedAt ?? now;
	const expires = tokens.expiresAt ?? obtained + UNKNOWN_LIFETIME_MS;
	return now < expires - Math.min(SKEW_MS, (expires - obtained) / 2);
}

function flightFor(key: string, now: number): Flight {
	let flight = flights.get(key);
	if (flight) return flight;
	if (flights.size >= MAX_FLIGHTS) for (const [k, f] of flights) if (!f.pending && !handable(f.tokens, now)) flights.delete(k);
	if (flights.size >= MAX_FLIGHTS) flights.clear();
	flight = { replaced: [] };
	flights.set(key, flight);
	return flight;
}

/**
 * The token of the grant for `settings` (the credential's engine configuration and grant, as JSON):
 * shared with the calls in flight, handed to holders of the tokens it replaced, else `grant()`.
 */
export async function sharedGrant(settings: string, presentedToken: string | undefined, grant: () => Promise<TokenSet>): Promise<TokenSet> {
	const key = digest(settings);
	const now = Date.now();
	const flight = flightFor(key, now);
	if (flight.pending) return { ...(await flight.pending) };
	const presented = presentedToken ? digest(presentedToken) : undefined;
	// only to a holder of a token it replaced: a call with no token (a credential's Test, a first run) asks the server
	if (handable(flight.tokens, now) && presented !== undefined && flight.replaced.includes(presented)) return { ...flight.tokens };
	const replaced = [presented, flight.tokens ? digest(flight.tokens.accessToken) : undefined].filter((h): h is string => !!h);
	const pending = grant();
	flight.pending = pending;
	flight.tokens = undefined; // replaced, whatever the grant's outcome
	try {
		const tokens = await pending;
		flight.tokens = tokens;
		flight.replaced = [...flight.replaced.filter((h) => !replaced.includes(h)), ...replaced].slice(-MAX_REPLACED);
		return { ...tokens };
	} finally {
		flight.pending = undefined;
	}
}
