import { OAuth2Error } from '../../lib/oauth2/errors';
import type { Redactor } from '../../lib/oauth2/redact';
import { safeUrl } from '../../lib/oauth2/urls';

/** Redirects followed for one request (same origin only); one more is an error. */
export const MAX_REDIRECTS = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** A request as it is sent, hop by hop. */
export interface Hop {
	url: string;
	method: string;
	body?: string | Uint8Array;
	headers: Record<string, string>;
}

/**
 * A redirect the node will not follow: to another origin (the credential would go with it), or
 * one too many. Nothing was sent to the target.
 */
export class RedirectRefusedError extends OAuth2Error {
	constructor(description: string, status: number, hint?: string, redactor?: Redactor) {
		super({ code: 'redirect_refused', phase: 'api', status, description, hint }, redactor);
	}
}

function parseUrl(location: string, base: string): URL | undefined {
	try {
		return new URL(location, base);
	} catch {
		return undefined;
	}
}

/** Whether a status is a redirect this module handles (it still needs a Location). */
export function isRedirect(status: number): boolean {
	return REDIRECT_STATUSES.has(status);
}

/**
 * The next hop of a redirect answer, or undefined when the answer is not a redirect to follow (no
 * Location: it goes back to the caller as it is). Only the same origin (scheme, host and port) is
 * followed: anything else throws `RedirectRefusedError`, so the credential never leaves the origin
 * that was asked. 303 turns the request into a GET without a body; 301, 302, 307 and 308 keep the
 * method and the body (a webhook POST is never silently turned into an empty GET, as browsers do
 * for 301/302).
 */
export function nextHop(hop: Hop, status: number, location: string | undefined, redirects: number, redactor?: Redactor): Hop | undefined {
	if (!isRedirect(status) || !location) return undefined;
	const target = parseUrl(location, hop.url);
	if (!target) throw new RedirectRefusedError(`${safeUrl(hop.url)} redirected to an invalid URL`, status, undefined, redactor);
	const from = new URL(hop.url);
	if (target.origin !== from.origin) {
		throw new RedirectRefusedError(
			`${safeUrl(hop.url)} redirected to another origin (${safeUrl(target)}); the credential is never sent there, so the redirect was not followed`,
			status,
			undefined,
			redactor,
		);
	}
	if (redirects >= MAX_REDIRECTS) {
		throw new RedirectRefusedError(`${safeUrl(hop.url)} redirected more than ${MAX_REDIRECTS} times`, status, 'Check the URL: the server keeps redirecting.', redactor);
	}
	if (status === 303) {
		const headers = Object.fromEntries(Object.entries(hop.headers).filter(([name]) => name.toLowerCase() !== 'content-type'));
		return { url: target.toString(), method: 'GET', headers };
	}
	return { ...hop, url: target.toString() };
}
