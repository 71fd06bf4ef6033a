import type { IDataObject, IHttpRequestHelper, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';

import { declaredTooLarge, readCapped, ResponseTooLarge, TOKEN_RESPONSE_MAX_BYTES } from '../../lib/oauth2/body';
import type { Transport, TransportRequest, TransportResponse } from '../../lib/oauth2/types';

/** Lower-cases header names and joins repeated values, as the engine expects. */
export function normaliseHeaders(headers: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (!headers || typeof headers !== 'object') return out;
	for (const [name, value] of Object.entries(headers as IDataObject)) {
		if (value === undefined || value === null) continue;
		out[name.toLowerCase()] = Array.isArray(value) ? value.map(String).join(', ') : String(value);
	}
	return out;
}

/** Turns whatever n8n's HTTP client returned as a body (bytes, text or parsed JSON) into bytes. */
export function bodyToBuffer(body: unknown): Buffer {
	if (body === undefined || body === null) return Buffer.alloc(0);
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	return Buffer.from(JSON.stringify(body), 'utf8');
}

export function toTransportResponse(status: number, headers: unknown, body: unknown): TransportResponse {
	return { status, headers: normaliseHeaders(headers), body: bodyToBuffer(body) };
}

/**
 * The engine's `Transport` over n8n's own HTTP client (`this.helpers.httpRequest` of a
 * `preAuthentication`), so token requests use n8n's proxy, TLS and SSRF settings. HTTP errors come
 * back as responses (the engine reads OAuth error bodies itself); redirects are never followed (a
 * 3xx is an answer, which the engine reports as an error). The body is streamed and read only up to
 * the request's `maxResponseBytes` (token answers: `TOKEN_RESPONSE_MAX_BYTES`): a larger one throws
 * `ResponseTooLarge`, which the engine turns into a `response_too_large` error.
 */
export function n8nTransport(helper: IHttpRequestHelper): Transport {
	return async (request) => {
		let response: { statusCode: number; headers: IDataObject; body: unknown };
		try {
			response = (await helper.helpers.httpRequest(httpOptionsOf(request))) as typeof response;
		} catch (error) {
			throw asTimeout(error, request.timeoutMs);
		}
		const headers = normaliseHeaders(response.headers);
		const limit = request.maxResponseBytes ?? TOKEN_RESPONSE_MAX_BYTES;
		return { status: response.statusCode, headers, body: await readLimited(response.body, headers, limit, response.statusCode) };
	};
}

/** n8n's request options for an engine request: errors as answers, no redirects, a streamed body. */
function httpOptionsOf(request: TransportRequest): IHttpRequestOptions {
	return {
		url: request.url,
		method: request.method as IHttpRequestMethods,
		headers: request.headers,
		body: request.body === undefined ? undefined : typeof request.body === 'string' ? request.body : Buffer.from(request.body),
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		encoding: 'stream',
		json: false,
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
		abortSignal: request.signal,
		timeout: request.timeoutMs,
	};
}

/**
 * n8n's HTTP client (axios) reports its own timeout as `ECONNABORTED` ("timeout of N ms exceeded")
 * or `ETIMEDOUT`: the engine's word for it is `timeout` (not `network_error`, "could not be reached").
 */
export function asTimeout(error: unknown, timeoutMs: number | undefined): unknown {
	return isN8nTimeout(error) ? Object.assign(new Error(`no answer within ${timeoutMs ?? 'the'} ms`), { code: 'timeout' }) : error;
}

/** Whether an error of n8n's HTTP client (or one already translated) is a timeout. */
export function isN8nTimeout(error: unknown): boolean {
	const e = error as { code?: unknown; message?: unknown } | undefined;
	return e?.code === 'timeout' || e?.code === 'ETIMEDOUT' || e?.code === 'ESOCKETTIMEDOUT' || (e?.code === 'ECONNABORTED' && /timeout/i.test(String(e.message)));
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array | string> {
	return !!value && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

/** A streamed (or already buffered) body, at most `limit` bytes; the stream is destroyed otherwise. */
export async function readLimited(body: unknown, headers: Record<string, string>, limit: number, status: number): Promise<Buffer> {
	const destroy = () => (body as { destroy?: () => void } | undefined)?.destroy?.();
	if (declaredTooLarge(headers['content-length'], limit)) {
		destroy();
		throw new ResponseTooLarge(status, limit);
	}
	let complete = false;
	try {
		const bytes = isAsyncIterable(body) ? await readCapped(body, limit, status) : bodyToBuffer(body);
		if (bytes.length > limit) throw new ResponseTooLarge(status, limit);
		complete = true;
		return bytes;
	} finally {
		if (!complete) destroy();
	}
}
