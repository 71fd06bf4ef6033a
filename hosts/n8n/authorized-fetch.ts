import type {
	IAdditionalCredentialOptions,
	IAllExecuteFunctions,
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import { asTimeout, normaliseHeaders } from './transport';
import { tokenRejectedRule } from './advanced-config';
import { DEFAULT_API_RESPONSE_MAX_BYTES } from '../../lib/oauth2/body';
import type { ApiRequest, BodyRejectionRule } from '../../lib/oauth2/authorized-client';
import { bodyRuleMatches } from '../../lib/oauth2/authorized-client';
import { RETRY_STATUSES } from '../../lib/oauth2/failure';
import { sendWithRetry } from '../../lib/oauth2/send';
import type { Transport, TransportResponse } from '../../lib/oauth2/types';
import { N8N_HOST } from './host';
import type { AuthorizedFetch } from '../../lib/providers/http-json';
import { CredentialRedactor } from './credential-redactor';
import { discardBody, readBodyCapped } from './response-body';
import { isRedirect, nextHop, type Hop } from './redirects';

/** How a node's credential authenticates: n8n's OAuth2 (oAuth2Api children) or a generic authenticate. */
export interface CredentialUse {
	type: string;
	/** True for credentials that extend oAuth2Api. */
	oauth2: boolean;
}

export interface RetryOptions {
	/** Statuses retried after `Retry-After` (bounded). Default `RETRY_STATUSES.notProcessed`; a request's own `retryStatuses` win. */
	statuses?: number[];
	maxRetries?: number;
	/** Longest wait honoured, in ms. Default 60 s. */
	maxDelayMs?: number;
	/** Wait when no Retry-After is sent, doubled each time. Default 1 s. */
	baseDelayMs?: number;
}

export interface AuthorizedFetchOptions {
	retry?: RetryOptions;
	/** Largest answer read, in bytes; a larger one is a `response_too_large` error. Default 64 MiB. */
	maxResponseBytes?: number;
}

/** The fetch plus the redactor that knows the credential's actual secrets (for `toNodeError`). */
export interface N8nAuthorizedFetch extends AuthorizedFetch {
	redact(text: string): string;
}

/** Time limit of one API request (n8n's HTTP client enforces it). */
const API_TIMEOUT_MS = 120_000;

/** The expirable property of our preAuthentication credentials (TOKEN_STATE_PROPERTIES). */
const EXPIRABLE_PROPERTY = 'accessToken';

/** An HTTP answer inside an error thrown by n8n's HTTP client, body not read yet. */
export interface RawResponse {
	status: number;
	headers: Record<string, string>;
	/** With `encoding: 'stream'`, a Readable that is still open. */
	data: unknown;
}

/**
 * Finds the HTTP response inside an error thrown by n8n's HTTP client (an Axios error, possibly
 * wrapped in a NodeApiError's `cause`). Undefined for errors without a response (network, timeout).
 */
export function responseOfError(error: unknown): RawResponse | undefined {
	let current: unknown = error;
	for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
		const response = (current as { response?: { status?: unknown; headers?: unknown; data?: unknown; body?: unknown } }).response;
		if (response && typeof response === 'object' && typeof response.status === 'number') {
			return { status: response.status, headers: normaliseHeaders(response.headers), data: response.data ?? response.body };
		}
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/**
 * The shared provider code's `AuthorizedFetch` over n8n's `httpRequestWithAuthentication`, so the
 * n8n credential (and n8n's own refresh + token persistence) signs every request.
 * - Redirects: n8n does not follow any; same-origin ones are followed here (at most 5), another
 *   origin is a `redirect_refused` error and nothing is sent there (`redirects.ts`).
 * - Bodies are streamed and read up to `maxResponseBytes`, error bodies too (`response-body.ts`).
 * - HTTP errors are returned as responses (n8n has already refreshed on 401 before it throws);
 *   the request's retry statuses (default `RETRY_STATUSES.notProcessed`) are retried after `Retry-After`, bounded.
 * - A credential with a "token rejected" body rule (Advanced OAuth2): an error answer that matches
 *   it makes n8n run preAuthentication once (a new token, saved) and the request is sent once more.
 * - `redact` knows the credential's actual secrets and tokens, re-read after every error answer.
 */
export function n8nAuthorizedFetch(context: IAllExecuteFunctions, credential: CredentialUse, options: AuthorizedFetchOptions = {}): N8nAuthorizedFetch {
	const client = new AuthorizedClient(context, credential, options);
	return { fetch: (request: ApiRequest) => client.fetch(request), redact: client.secrets.redact };
}

/** n8n's request options for one hop: signed by n8n, errors and redirects come back, the body streamed. */
function hopRequest(hop: Hop): IHttpRequestOptions {
	const request: IHttpRequestOptions = {
		url: hop.url,
		method: hop.method as IHttpRequestMethods,
		headers: { ...hop.headers } as IDataObject,
		returnFullResponse: true,
		encoding: 'stream',
		json: false,
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
		timeout: API_TIMEOUT_MS,
	};
	if (hop.body !== undefined) request.body = typeof hop.body === 'string' ? hop.body : Buffer.from(hop.body);
	return request;
}

class AuthorizedClient {
	readonly secrets: CredentialRedactor;

	private readonly retry: { statuses: readonly number[]; maxRetries: number; maxDelayMs: number; baseDelayMs: number };

	private readonly limit: number;

	private readonly signing: IAdditionalCredentialOptions | undefined;

	private loaded: Promise<BodyRejectionRule | undefined> | undefined;

	/** Bumped on every forced preAuthentication, so parallel requests force it only once. */
	private generation = 0;

	constructor(
		private readonly context: IAllExecuteFunctions,
		private readonly credential: CredentialUse,
		options: AuthorizedFetchOptions,
	) {
		const retry = options.retry ?? {};
		this.retry = { statuses: retry.statuses ?? RETRY_STATUSES.notProcessed, maxRetries: retry.maxRetries ?? 3, maxDelayMs: retry.maxDelayMs ?? 60_000, baseDelayMs: retry.baseDelayMs ?? 1_000 };
		this.limit = options.maxResponseBytes ?? DEFAULT_API_RESPONSE_MAX_BYTES;
		this.secrets = new CredentialRedactor(context, credential.type);
		this.signing = credential.oauth2 ? { oauth2: { tokenType: 'Bearer' } } : undefined;
	}

	/** The engine's retry loop (after Retry-After, bounded), with n8n's helpers as the transport. */
	fetch(request: ApiRequest): Promise<TransportResponse> {
		const { statuses, maxRetries, maxDelayMs, baseDelayMs } = this.retry;
		return sendWithRetry(
			{ url: request.url, method: request.method ?? 'GET', headers: { ...(request.headers ?? {}) }, body: request.body, signal: request.signal },
			{ transport: this.attempt, timeoutMs: API_TIMEOUT_MS, retry: { maxRetries, maxDelayMs, baseDelayMs }, retryStatuses: request.retryStatuses ?? statuses, retryOnlyWhenAsked: request.retryOnlyWhenAsked, phase: 'api', redactor: this.secrets.redactor, host: N8N_HOST },
		);
	}

	/** Each attempt of the retry loop: one request with its redirects and the body rule. */
	private readonly attempt: Transport = (request) => this.sendWithBodyRule({ url: request.url, method: request.method, headers: request.headers, body: request.body });

	/** The credential's "token rejected" body rule (engine credentials only), read once. */
	private rule(): Promise<BodyRejectionRule | undefined> {
		return (this.loaded ??= (async () => {
			await this.secrets.refresh();
			if (this.credential.oauth2) return undefined;
			try {
				return tokenRejectedRule(await this.context.getCredentials<ICredentialDataDecryptedObject>(this.credential.type));
			} catch {
				return undefined;
			}
		})());
	}

	/** One hop: n8n signs and sends it; the answer (2xx or not) comes back with its body read, capped. */
	private async sendHop(hop: Hop, additional: IAdditionalCredentialOptions | undefined): Promise<TransportResponse> {
		const raw: RawResponse = await this.context.helpers.httpRequestWithAuthentication.call(this.context, this.credential.type, hopRequest(hop), additional).then(
			(full: IN8nHttpFullResponse) => ({ status: full.statusCode, headers: normaliseHeaders(full.headers), data: full.body }),
			// HTTP errors (n8n throws for every non-2xx, redirects included) become answers; others stay errors
			async (error: unknown) => responseOfError(error) ?? (await Promise.reject(asTimeout(error, API_TIMEOUT_MS))),
		);
		if (isRedirect(raw.status) && raw.headers.location) {
			discardBody(raw.data);
			return { status: raw.status, headers: raw.headers, body: Buffer.alloc(0) };
		}
		const body = await readBodyCapped(raw.data, raw.headers, this.limit, { url: hop.url, status: raw.status, redactor: this.secrets.redactor });
		return { status: raw.status, headers: raw.headers, body };
	}

	/** A request with its same-origin redirects. */
	private async send(request: ApiRequest, forced?: IAdditionalCredentialOptions): Promise<TransportResponse> {
		let hop: Hop = { url: request.url, method: request.method ?? 'GET', headers: { ...(request.headers ?? {}) }, body: request.body };
		for (let redirects = 0; ; redirects++) {
			const response = await this.sendHop(hop, (redirects === 0 ? forced : undefined) ?? this.signing);
			const next = nextHop(hop, response.status, response.headers.location, redirects, this.secrets.redactor);
			if (!next) return response;
			hop = next;
		}
	}

	/** Credentials with the expirable token emptied: n8n runs preAuthentication first and saves the result. */
	private async forcingPreAuthentication(): Promise<IAdditionalCredentialOptions> {
		const data = { ...(await this.context.getCredentials<ICredentialDataDecryptedObject>(this.credential.type)), [EXPIRABLE_PROPERTY]: '' };
		const ref = this.context.getNode().credentials?.[this.credential.type];
		return { credentialsDecrypted: { id: ref?.id ?? '', name: ref?.name ?? '', type: this.credential.type, data } };
	}

	/** Sends, and when the answer matches the credential's body rule, once more with a new token. */
	private async sendWithBodyRule(request: ApiRequest): Promise<TransportResponse> {
		const rule = await this.rule();
		const seen = this.generation;
		const response = await this.send(request);
		if (response.status >= 400) await this.secrets.refresh();
		if (!rule || !bodyRuleMatches(rule, response)) return response;
		// only the first request whose answer matched forces a new token; the others send again with it
		let additional: IAdditionalCredentialOptions | undefined;
		if (this.generation === seen) {
			this.generation++;
			additional = await this.forcingPreAuthentication();
		}
		const again = await this.send(request, additional);
		await this.secrets.refresh();
		return again;
	}
}
