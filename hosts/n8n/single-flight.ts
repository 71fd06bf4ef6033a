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
import { N8N_HOST } from './host';

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
	/** A call went out with the expiry marker: the grant its 401 starts is awaited by the calls that follow. */
	marked?: { since: number; settled: Promise<TokenSet | undefined>; settle(tokens: TokenSet | undefined): void };
}

/** How long a call waits for the grant another call's expiry marker starts, before it sends the marker itself. */
const MARKED_WAIT_MS = 30_000;

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
	let tokens: TokenSet | undefined;
	try {
		tokens = await pending;
		flight.tokens = tokens;
		flight.replaced = [...flight.replaced.filter((h) => !replaced.includes(h)), ...replaced].slice(-MAX_REPLACED);
		return { ...tokens };
	} finally {
		flight.pending = undefined;
		flight.marked?.settle(tokens);
		flight.marked = undefined;
	}
}

/**
 * The access token a call sends, decided just before it goes (n8n's function `authenticate`), so
 * that a process spends at most one API call per lifetime on a token it knows is expired: the call
 * holds a token this process replaced → the current one; the stored expiry has passed → the token
 * of the grant in flight, or of the grant the first such call's 401 is about to start (that one
 * call gets undefined: send the expiry marker, so the server answers 401 and n8n runs
 * `preAuthentication`, the only way a credential can save a new token). A token the server expired
 * early cannot be known here: each call holding it spends its 401, as before.
 */
export async function tokenForCall(settings: string, held: string | undefined, heldExpiresAt: number | undefined): Promise<string | undefined> {
	const now = Date.now();
	const flight = flightFor(digest(settings), now);
	const current = handable(flight.tokens, now) ? flight.tokens.accessToken : undefined;
	if (held && current && flight.replaced.includes(digest(held))) return current;
	if (held && !(heldExpiresAt && heldExpiresAt <= now)) return held;
	if (current && current !== held) return current;
	if (flight.pending) return (await settledWithin(flight.pending.then((t) => t, () => undefined)))?.accessToken;
	if (flight.marked && now - flight.marked.since < MARKED_WAIT_MS) return (await settledWithin(flight.marked.settled))?.accessToken;
	let settle: (tokens: TokenSet | undefined) => void = () => undefined;
	const settled = new Promise<TokenSet | undefined>((resolve) => (settle = resolve));
	flight.marked = { since: now, settled, settle };
	return undefined;
}

/** `promise`'s value, or undefined after MARKED_WAIT_MS (n8n allows no timer globals: a bounded poll ends the wait). */
async function settledWithin(promise: Promise<TokenSet | undefined>): Promise<TokenSet | undefined> {
	let done = false;
	const value = promise.finally(() => (done = true));
	const deadline = async (): Promise<undefined> => {
		for (let waited = 0; !done && waited < MARKED_WAIT_MS; waited += 50) await N8N_HOST.sleep(50);
		return undefined;
	};
	return await Promise.race([value, deadline()]);
}
