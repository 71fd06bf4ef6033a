import { ResponseTooLarge } from '../../lib/oauth2/body';
import { OAuth2ResponseError } from '../../lib/oauth2/errors';
import type { Redactor } from '../../lib/oauth2/redact';
import { safeUrl } from '../../lib/oauth2/urls';
import { readLimited } from './transport';

type Destroyable = { destroy?: (error?: Error) => unknown };

/** Drops a body that will not be read (a redirect's, say): the stream is destroyed, its socket freed. */
export function discardBody(body: unknown): void {
	if (body && typeof body === 'object' && typeof (body as Destroyable).destroy === 'function') (body as Destroyable).destroy!();
}

/** `1 MB (1048576 bytes)`: the limit as the node option names it, and exactly. */
export function describeLimit(limit: number): string {
	const mb = limit / (1024 * 1024);
	return Number.isInteger(mb) ? `${mb} MB (${limit} bytes)` : `${limit} bytes`;
}

/** The typed error of an answer above the limit: `response_too_large`, the URL without secrets. */
export function responseTooLargeError(url: string, status: number, limit: number, redactor?: Redactor): OAuth2ResponseError {
	return new OAuth2ResponseError(
		{
			code: 'response_too_large',
			phase: 'api',
			status,
			description: `the answer of ${safeUrl(url)} is larger than ${describeLimit(limit)}; the transfer was stopped`,
			hint: 'Raise "Max Response Size (MB)" in the node options if the answer is legitimate, or check the URL.',
		},
		redactor,
	);
}

/**
 * Reads what n8n's HTTP client returned as a body with `encoding: 'stream'` (a Node `Readable`; bytes
 * or text from other paths) into a buffer of at most `limit` bytes. Past the limit, or when the
 * declared `Content-Length` is already larger, the stream is destroyed (the connection closes) and a
 * `response_too_large` error is thrown.
 */
export async function readBodyCapped(
	body: unknown,
	headers: Record<string, string>,
	limit: number,
	context: { url: string; status: number; redactor?: Redactor },
): Promise<Buffer> {
	return await readLimited(body, headers, limit, context.status).catch((error: unknown) => {
		throw error instanceof ResponseTooLarge ? responseTooLargeError(context.url, context.status, limit, context.redactor) : error;
	});
}
