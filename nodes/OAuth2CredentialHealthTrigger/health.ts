/**
 * The state machine of the OAuth2 Credential Health Trigger, free of n8n and of I/O so it can be
 * tested on its own. Each poll: `track` what the stored credential shows, `planCheck` at most one
 * token request, `assess` the result and `transition` from the remembered status, which yields the
 * events to emit (only on a change of status). Everything kept between polls (`Memory`, in the
 * workflow's static data) is secret-free: tokens and credential data appear only as salted,
 * truncated fingerprints.
 */
import { publicCode } from '../../lib/oauth2/failure';
import { isoDate } from '../../lib/oauth2/time';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** A failed token request is repeated after this long when nothing in the credential changed. */
export const RETRY_AFTER_MS = HOUR_MS;
/** How long a token the trigger fetched for a preAuthentication credential proves it works, when the server gave no lifetime. */
export const UNKNOWN_LIFETIME_MS = HOUR_MS;

export type HealthStatus = 'healthy' | 'refresh_token_expiring' | 'token_request_failed' | 'reconnect_needed';
export type HealthEvent = 'reconnect_needed' | 'refresh_token_expiring' | 'token_request_failed' | 'recovered';
/** How eagerly a poll asks the token server. */
export type CheckMode = 'stored' | 'whenExpired' | 'everyPoll';
/** n8n's OAuth2 with a user's sign-in, n8n's OAuth2 with client credentials, or an engine credential (preAuthentication). */
export type CredentialKind = 'oauth2Code' | 'oauth2ClientCredentials' | 'preAuth';
/** n8n's refresh (oAuth2Api, saved by n8n), n8n's client-credentials fetch (saved), or the engine's own grant (not saved). */
export type TokenRequestKind = 'refresh' | 'token' | 'grant';
export type Reason =
	| 'healthy'
	| 'not_connected'
	| 'refresh_token_refused'
	| 'refresh_token_expired'
	| 'no_refresh_token'
	| 'token_request_failed'
	| 'refresh_token_expiring';

/** What the stored credential shows, without any secret: fingerprints, times and lifetimes. */
export interface Snapshot {
	kind: CredentialKind;
	/** Fingerprint of all the credential's data (changes when the user edits it or a token is saved). */
	dataFp: string;
	/** Fingerprint of the stored access and refresh token together; '' when there is none. */
	tokenFp: string;
	hasAccessToken: boolean;
	accessFp?: string;
	/** When the stored access token expires (epoch ms), when the stored data says so. */
	accessExpiresAt?: number;
	/** Its lifetime in seconds (`expires_in`), when only that is known. */
	accessLifetimeSec?: number;
	refreshFp?: string;
	/** `refresh_token_expires_in` of the stored token data, in seconds. */
	refreshLifetimeSec?: number;
	/** When the stored token response arrived (epoch ms), when the stored data says so. */
	issuedAt?: number;
}

export interface Settings {
	mode: CheckMode;
	/** Warn this many days before the refresh token expires; Keep Alive refreshes within the same window. */
	warnDays: number;
	keepAlive: boolean;
	/** 0: refresh only before the refresh token expires. Otherwise also when this many hours passed since the last token. */
	keepAliveIntervalHours: number;
}

/** An OAuth2 error code and HTTP status: the only parts of a failure that are kept or shown. */
export interface ErrorInfo {
	code?: string;
	httpStatus?: number;
}

/** What the trigger remembers between polls (the node's static data). Secret-free. */
export interface Memory {
	/** `<credential type>:<credential id>`: memory of another credential is dropped. */
	key?: string;
	status?: HealthStatus;
	/** When the current status began (epoch ms). */
	since?: number;
	reason?: Reason;
	error?: ErrorInfo;
	/** Token fingerprint that was refused: until it changes (a reconnect), nothing is asked. */
	failedTokenFp?: string;
	/** Credential data fingerprint when a token request failed: a change retries at once. */
	failedDataFp?: string;
	lastAttemptAt?: number;
	/** Last token the trigger obtained (epoch ms). */
	lastTokenAt?: number;
	/** preAuthentication: the token the trigger's last check got is valid until then. */
	verifiedUntil?: number;
	access?: { fp: string; firstSeen: number };
	refresh?: { fp: string; firstSeen: number };
	/** The refresh token last warned about. */
	warnedFp?: string;
	/** `auto` client authentication of an engine credential: the method found, the methods refused so far. */
	clientAuth?: { learned?: string; tried?: string[] };
}

export type Outcome =
	| { kind: 'none' }
	| { kind: 'ok'; validUntil?: number }
	| { kind: 'refused'; error: ErrorInfo }
	| { kind: 'failed'; error: ErrorInfo }
	| { kind: 'transient'; error: ErrorInfo };

export interface Plan {
	request?: TokenRequestKind;
	why?: 'keep_alive' | 'every_poll' | 'expired' | 'retry';
}

export interface Assessment {
	status: HealthStatus;
	reason: Reason;
	error?: ErrorInfo;
	refreshExpiresAt?: number;
}

/** An event to emit; the node adds the credential and the times. */
export interface EventDraft {
	event: HealthEvent;
	status: HealthStatus;
	previousStatus?: HealthStatus;
	reason: Reason;
	error?: ErrorInfo;
	refreshTokenExpiresAt?: number;
	/** For `recovered`: when the problem began. */
	problemSince?: number;
}

const requestOf: Record<CredentialKind, TokenRequestKind> = { oauth2Code: 'refresh', oauth2ClientCredentials: 'token', preAuth: 'grant' };

/** Notes when the trigger first saw the stored access and refresh token. */
export function track(memory: Memory, snap: Snapshot, now: number): Memory {
	const next: Memory = { ...memory };
	if (snap.accessFp) {
		if (next.access?.fp !== snap.accessFp) next.access = { fp: snap.accessFp, firstSeen: now };
	} else delete next.access;
	if (snap.refreshFp) {
		if (next.refresh?.fp !== snap.refreshFp) next.refresh = { fp: snap.refreshFp, firstSeen: now };
	} else delete next.refresh;
	return next;
}

/** When the stored access token expires: as stored, else its lifetime from when the trigger first saw it. */
export function accessExpiresAt(memory: Memory, snap: Snapshot): number | undefined {
	if (snap.accessExpiresAt !== undefined) return snap.accessExpiresAt;
	if (snap.accessLifetimeSec && memory.access?.fp === snap.accessFp && memory.access) return memory.access.firstSeen + snap.accessLifetimeSec * 1000;
	return undefined;
}

/**
 * When the refresh token expires: its lifetime (`refresh_token_expires_in`) from the earliest time it
 * is known to have existed (the stored response's time, or when the trigger first saw it). Both are
 * no earlier than the real issue time, so an expiry found here has surely passed.
 */
export function refreshExpiresAt(memory: Memory, snap: Snapshot): number | undefined {
	if (!snap.refreshFp || !snap.refreshLifetimeSec) return undefined;
	const seen = memory.refresh?.fp === snap.refreshFp ? memory.refresh.firstSeen : Infinity;
	const issued = Math.min(seen, snap.issuedAt ?? Infinity);
	return Number.isFinite(issued) ? issued + snap.refreshLifetimeSec * 1000 : undefined;
}

/** The last time a token was obtained, as far as known. */
function lastTokenAt(memory: Memory, snap: Snapshot): number | undefined {
	const known = Math.max(memory.lastTokenAt ?? 0, snap.issuedAt ?? 0);
	return known || memory.access?.firstSeen || memory.refresh?.firstSeen;
}

/** Whether Keep Alive asks for a token now: the refresh token is within the window, or the interval has passed. */
export function keepAliveDue(memory: Memory, snap: Snapshot, settings: Settings, now: number): boolean {
	if (!settings.keepAlive) return false;
	const interval = settings.keepAliveIntervalHours * HOUR_MS;
	const last = lastTokenAt(memory, snap);
	if (interval > 0 && last !== undefined && now - last >= interval) return true;
	if (snap.kind !== 'oauth2Code') return false;
	const expires = refreshExpiresAt(memory, snap);
	return expires !== undefined && expires - now <= settings.warnDays * DAY_MS;
}

function reconnectCarried(memory: Memory, snap: Snapshot): boolean {
	return memory.status === 'reconnect_needed' && memory.failedTokenFp === snap.tokenFp;
}

function retryDue(memory: Memory, snap: Snapshot, settings: Settings, now: number): boolean {
	if (settings.mode === 'everyPoll') return true;
	if (memory.failedDataFp !== snap.dataFp) return true;
	return memory.lastAttemptAt === undefined || now - memory.lastAttemptAt >= RETRY_AFTER_MS;
}

/**
 * The token request this poll makes, if any (at most one):
 * - sign-in credentials (oAuth2Api authorization code): none while not connected, while the refused
 *   token is still the stored one, once the refresh token has expired, or without a refresh token;
 * - after a failed token request: again when the credential changed, after RETRY_AFTER_MS, or at every poll in "Every Poll";
 * - Keep Alive when due; every poll in "Every Poll";
 * - "When Expired": what n8n would do at the next use, now: refresh an expired access token, fetch a
 *   client-credentials token when none is stored or it expired, run an engine credential's grant when
 *   its stored token is empty or expired (and the trigger's own last check no longer covers it).
 */
export function planCheck(memory: Memory, snap: Snapshot, settings: Settings, now: number): Plan {
	const request = requestOf[snap.kind];
	if (snap.kind === 'oauth2Code') {
		if (!snap.hasAccessToken || reconnectCarried(memory, snap) || !snap.refreshFp) return {};
		const refreshExpiry = refreshExpiresAt(memory, snap);
		if (refreshExpiry !== undefined && refreshExpiry <= now) return {};
	}
	if (memory.status === 'token_request_failed') return retryDue(memory, snap, settings, now) ? { request, why: 'retry' } : {};
	if (keepAliveDue(memory, snap, settings, now)) return { request, why: 'keep_alive' };
	if (settings.mode === 'everyPoll') return { request, why: 'every_poll' };
	if (settings.mode !== 'whenExpired') return {};
	const expiry = accessExpiresAt(memory, snap);
	const expired = expiry !== undefined && expiry <= now;
	if (snap.kind === 'oauth2Code') return expired ? { request, why: 'expired' } : {};
	const unusable = !snap.hasAccessToken || expired;
	if (snap.kind === 'oauth2ClientCredentials') return unusable ? { request, why: 'expired' } : {};
	return unusable && !(memory.verifiedUntil !== undefined && memory.verifiedUntil > now) ? { request, why: 'expired' } : {};
}

/** The status the stored data shows. `verified`: a token request just succeeded, so remembered failures no longer hold. */
export function storedAssessment(memory: Memory, snap: Snapshot, settings: Settings, now: number, verified = false): Assessment {
	if (snap.kind === 'oauth2Code') {
		if (!snap.hasAccessToken) return { status: 'reconnect_needed', reason: 'not_connected' };
		if (!verified && reconnectCarried(memory, snap)) return { status: 'reconnect_needed', reason: memory.reason ?? 'refresh_token_refused', error: memory.error };
		const refreshExpiry = refreshExpiresAt(memory, snap);
		if (refreshExpiry !== undefined && refreshExpiry <= now) return { status: 'reconnect_needed', reason: 'refresh_token_expired', refreshExpiresAt: refreshExpiry };
		const expiry = accessExpiresAt(memory, snap);
		if (!snap.refreshFp && expiry !== undefined && expiry <= now) return { status: 'reconnect_needed', reason: 'no_refresh_token' };
		if (!verified && memory.status === 'token_request_failed') return { status: 'token_request_failed', reason: 'token_request_failed', error: memory.error };
		if (refreshExpiry !== undefined && refreshExpiry - now <= settings.warnDays * DAY_MS) {
			return { status: 'refresh_token_expiring', reason: 'refresh_token_expiring', refreshExpiresAt: refreshExpiry };
		}
		return { status: 'healthy', reason: 'healthy' };
	}
	if (!verified && memory.status === 'token_request_failed') return { status: 'token_request_failed', reason: 'token_request_failed', error: memory.error };
	return { status: 'healthy', reason: 'healthy' };
}

/** The status after this poll's token request (or without one). Transient failures change nothing. */
export function assess(memory: Memory, snap: Snapshot, outcome: Outcome, settings: Settings, now: number): Assessment {
	switch (outcome.kind) {
		case 'refused':
			return { status: 'reconnect_needed', reason: 'refresh_token_refused', error: outcome.error };
		case 'failed':
			return { status: 'token_request_failed', reason: 'token_request_failed', error: outcome.error };
		case 'ok':
			return storedAssessment(memory, snap, settings, now, true);
		default:
			return storedAssessment(memory, snap, settings, now);
	}
}

/**
 * The new memory and the events of a change of status. The first check emits only a problem. A
 * refresh-token warning is emitted once per refresh token and once per stretch of
 * `refresh_token_expiring` (Keep Alive may rotate the token every poll while it stays in the window);
 * `recovered` follows any other problem status, and leaving `refresh_token_expiring` for healthy.
 */
export function transition(memory: Memory, assessment: Assessment, snap: Snapshot, request: Plan['request'], outcome: Outcome, now: number): { memory: Memory; events: EventDraft[] } {
	const previous = memory.status;
	const status = assessment.status;
	const next: Memory = { ...memory, status, reason: assessment.reason };
	if (status !== previous) next.since = now;
	if (assessment.error) next.error = assessment.error;
	else delete next.error;
	if (status === 'reconnect_needed') next.failedTokenFp = snap.tokenFp;
	else delete next.failedTokenFp;
	if (status !== 'token_request_failed') delete next.failedDataFp;
	else if (outcome.kind === 'failed') next.failedDataFp = snap.dataFp;
	if (request) {
		next.lastAttemptAt = now;
		if (outcome.kind === 'ok') {
			next.lastTokenAt = now;
			if (request === 'grant') next.verifiedUntil = outcome.validUntil ?? now + UNKNOWN_LIFETIME_MS;
		}
	}

	const events: EventDraft[] = [];
	const draft = (event: HealthEvent): EventDraft => ({
		event,
		status,
		...(previous ? { previousStatus: previous } : {}),
		reason: assessment.reason,
		...(assessment.error ? { error: assessment.error } : {}),
		...(assessment.refreshExpiresAt !== undefined ? { refreshTokenExpiresAt: assessment.refreshExpiresAt } : {}),
	});
	const recovered = (): EventDraft => ({
		...draft('recovered'),
		reason: previous === 'refresh_token_expiring' ? 'refresh_token_expiring' : (memory.reason ?? 'healthy'),
		...(memory.error ? { error: memory.error } : {}),
		...(memory.since !== undefined ? { problemSince: memory.since } : {}),
	});
	if (status !== previous) {
		if (status === 'healthy') {
			if (previous !== undefined && previous !== 'healthy') events.push(recovered());
		} else if (status === 'refresh_token_expiring') {
			if (previous === 'reconnect_needed' || previous === 'token_request_failed') {
				const back = recovered();
				delete back.refreshTokenExpiresAt;
				events.push(back);
			}
			if (snap.refreshFp !== memory.warnedFp) {
				events.push(draft('refresh_token_expiring'));
				next.warnedFp = snap.refreshFp;
			}
		} else {
			events.push(draft(status));
		}
	}
	return { memory: next, events };
}

/** An error code fit to show and keep: a registered OAuth code or one of the engine's, else a generic one. */
export const safeCode = publicCode;

const HOW_TO_RECONNECT = 'Open the credential in n8n and reconnect it (sign in again).';

/** A message for an event, from fixed texts, the error code and status, and dates: never a token or secret. */
export function messageOf(draft: EventDraft, settings: Settings, now: number): string {
	const code = safeCode(draft.error?.code);
	const status = draft.error?.httpStatus;
	const detail = code || status ? ` (${[code, status ? `HTTP ${status}` : undefined].filter(Boolean).join(', ')})` : '';
	switch (draft.event) {
		case 'reconnect_needed':
			switch (draft.reason) {
				case 'not_connected':
					return `The credential is not connected: it has no stored token. ${HOW_TO_RECONNECT}`;
				case 'refresh_token_expired':
					return `The refresh token has expired. ${HOW_TO_RECONNECT}`;
				case 'no_refresh_token':
					return `The access token has expired and there is no refresh token to renew it. ${HOW_TO_RECONNECT}`;
				default:
					return `The token server refused the refresh token${detail}: it was revoked, expired or already used. ${HOW_TO_RECONNECT}`;
			}
		case 'token_request_failed':
			return `The token request failed${detail}. Check the credential's client ID and secret, user name and password, and token URL.`;
		case 'refresh_token_expiring': {
			const at = draft.refreshTokenExpiresAt;
			const date = isoDate(at);
			const when = at === undefined || date === undefined ? 'soon' : `on ${date} (in ${Math.max(0, Math.round(((at - now) / DAY_MS) * 10) / 10)} days)`;
			return `The refresh token expires ${when}. Reconnect the credential before then${settings.keepAlive ? '' : ', or turn on Keep Alive if the provider issues a new refresh token on refresh'}.`;
		}
		default:
			return `The credential works again (it was: ${(draft.previousStatus ?? 'unknown').replace(/_/g, ' ')}).`;
	}
}
