import type {
	IAllExecuteFunctions,
	IDataObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { bodyToBuffer, toTransportResponse } from '../../credentials/shared/n8n-transport';
import { redact } from '../../lib/oauth2/redact';
import type { ApiRequest } from '../../lib/oauth2/token-manager';
import { retryAfterMs } from '../../lib/oauth2/transport';
import type { TransportResponse } from '../../lib/oauth2/types';
import type { AuthorizedFetch } from '../../lib/providers/http-json';

/** How a node's credential authenticates: n8n's OAuth2 (oAuth2Api children) or a generic authenticate. */
export interface CredentialUse {
	type: string;
	/** True for credentials that extend oAuth2Api. */
	oauth2: boolean;
}

export interface RetryOptions {
	/** Statuses retried after `Retry-After` (bounded). Default [429, 503]. */
	statuses?: number[];
	maxRetries?: number;
	/** Longest wait honoured, in ms. Default 60 s. */
	maxDelayMs?: number;
	/** Wait when no Retry-After is sent, doubled each time. Default 1 s. */
	baseDelayMs?: number;
}

/**
 * Finds the HTTP response inside an error thrown by n8n's HTTP client (an Axios error, possibly
 * wrapped in a NodeApiError's `cause`). Undefined for errors without a response (network, timeout).
 */
export function responseOfError(error: unknown): TransportResponse | undefined {
	let current: unknown = error;
	for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
		const response = (current as { response?: { status?: unknown; headers?: unknown; data?: unknown; body?: unknown } }).response;
		if (response && typeof response === 'object' && typeof response.status === 'number') {
			return toTransportResponse(response.status, response.headers, response.data ?? response.body);
		}
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/**
 * The shared provider code's `AuthorizedFetch` over n8n's `httpRequestWithAuthentication`, so the
 * n8n credential (and n8n's own refresh + token persistence) signs every request. HTTP errors are
 * returned as responses (n8n has already refreshed on 401 before it throws); 429/503 are retried
 * after `Retry-After`, bounded.
 */
export function n8nAuthorizedFetch(
	context: IAllExecuteFunctions,
	credential: CredentialUse,
	retry: RetryOptions = {},
): AuthorizedFetch {
	const statuses = retry.statuses ?? [429, 503];
	const maxRetries = retry.maxRetries ?? 3;
	const maxDelayMs = retry.maxDelayMs ?? 60_000;
	const baseDelayMs = retry.baseDelayMs ?? 1_000;

	const sendOnce = async (request: ApiRequest): Promise<TransportResponse> => {
		const options: IHttpRequestOptions = {
			url: request.url,
			method: (request.method ?? 'GET') as IHttpRequestMethods,
			headers: { ...(request.headers ?? {}) } as IDataObject,
			returnFullResponse: true,
			encoding: 'arraybuffer',
			json: false,
		};
		if (request.body !== undefined) {
			options.body = typeof request.body === 'string' ? request.body : Buffer.from(request.body);
		}
		return await context.helpers.httpRequestWithAuthentication
			.call(context, credential.type, options, credential.oauth2 ? { oauth2: { tokenType: 'Bearer' } } : undefined)
			.then(
				(full) => {
					const response = full as IN8nHttpFullResponse;
					return toTransportResponse(response.statusCode, response.headers, response.body);
				},
				// HTTP errors become responses for the provider code; others (network) stay errors
				async (error: unknown) => responseOfError(error) ?? (await Promise.reject(error)),
			);
	};

	return {
		async fetch(request: ApiRequest): Promise<TransportResponse> {
			for (let attempt = 0; ; attempt++) {
				const response = await sendOnce(request);
				if (!statuses.includes(response.status) || attempt >= maxRetries) return response;
				const asked = retryAfterMs(response.headers['retry-after']);
				if (asked !== undefined && asked > maxDelayMs) return response;
				await sleep(asked ?? baseDelayMs * 2 ** attempt);
			}
		},
		redact: (text: string) => redact(text),
	};
}

export { bodyToBuffer };
