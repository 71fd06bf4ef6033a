import { ResponseTooLarge } from './body';
import { OAuth2Error, OAuth2ResponseError, OAuth2TransportError, type OAuth2Phase } from './errors';
import { hostOf, type EngineHost } from './host';
import type { Redactor } from './redact';
import type { RetryPolicy, Transport, TransportRequest, TransportResponse } from './types';
import { safeUrl, scrubUrls } from './urls';

/** Parses `Retry-After` (seconds or HTTP date) into milliseconds; undefined when absent or bad. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface SendOptions {
  transport: Transport;
  timeoutMs: number;
  retry: Required<RetryPolicy>;
  /** Statuses that are retried (with `Retry-After` when sent). */
  retryStatuses: readonly number[];
  /** Of those, the ones retried only when the answer carries `Retry-After` (a daily cap says nothing). */
  retryOnlyWhenAsked?: readonly number[];
  /**
   * Also send again, with the same bounded back-off, after a dropped connection (`network_error`;
   * not a timeout, which already cost the whole limit): only for requests that may be repeated.
   */
  retryNetworkErrors?: boolean;
  phase: OAuth2Phase;
  redactor?: Redactor;
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  /** Timers (request timeouts) and waits; default the installed host. */
  host?: EngineHost;
}

export const DEFAULT_RETRY: Required<RetryPolicy> = { maxRetries: 2, maxDelayMs: 30_000, baseDelayMs: 500 };

export function resolveRetry(policy: RetryPolicy | undefined): Required<RetryPolicy> {
  return { ...DEFAULT_RETRY, ...Object.fromEntries(Object.entries(policy ?? {}).filter(([, v]) => v !== undefined)) };
}


/**
 * One request with a timeout; network failures become `OAuth2TransportError`. A transport that
 * times requests itself (`timesRequests`) gets the limit and no signal of ours: no controller and
 * no timer. Otherwise a plain controller with a cleared timer (cheaper per request than
 * `AbortSignal.timeout()`).
 */
function sendOnce(request: TransportRequest, options: SendOptions): Promise<TransportResponse> {
  if (!options.transport.timesRequests) return sendOnceTimed(request, options);
  return sendDirect(request, options).then(
    (response) => checkedSize(response, request, options),
    (cause) => {
      throw transportFailure(cause, request, options, false);
    },
  );
}

/** Calls a transport that times requests itself; a synchronous throw becomes a rejection. */
function sendDirect(request: TransportRequest, options: SendOptions): Promise<TransportResponse> {
  try {
    return options.transport(request.signal === options.signal && request.timeoutMs === options.timeoutMs ? request : { ...request, signal: options.signal, timeoutMs: options.timeoutMs });
  } catch (cause) {
    return Promise.reject(cause);
  }
}

function checkedSize(response: TransportResponse, request: TransportRequest, options: SendOptions): TransportResponse {
  const limit = request.maxResponseBytes;
  if (limit !== undefined && response.body.length > limit) throw transportFailure(new ResponseTooLarge(response.status, limit), request, options, false);
  return response;
}

async function sendOnceTimed(request: TransportRequest, options: SendOptions): Promise<TransportResponse> {
  const controller = new AbortController();
  let timedOut = false;
  // with host timers the engine aborts a request itself; otherwise the transport times it (timeoutMs)
  const cancel = hostOf(options.host).after?.(options.timeoutMs, () => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${options.timeoutMs} ms`));
  });
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  try {
    const response = await options.transport({ ...request, signal, timeoutMs: options.timeoutMs });
    const limit = request.maxResponseBytes;
    if (limit !== undefined && response.body.length > limit) throw new ResponseTooLarge(response.status, limit);
    return response;
  } catch (cause) {
    throw transportFailure(cause, request, options, timedOut);
  } finally {
    cancel?.();
  }
}

/** A typed, secret-free error for whatever a transport threw. */
function transportFailure(cause: unknown, request: TransportRequest, options: SendOptions, timedOut: boolean): OAuth2Error {
  if (cause instanceof OAuth2Error) return cause;
  const where = safeUrl(request.url);
  if (cause instanceof ResponseTooLarge) {
    return new OAuth2ResponseError(
      {
        code: 'response_too_large',
        phase: options.phase,
        status: cause.status,
        description: `the answer of ${where} is larger than ${cause.limit} bytes; the transfer was stopped`,
      },
      options.redactor,
    );
  }
  timedOut ||= (cause as { code?: unknown })?.code === 'timeout';
  const code = (cause as { cause?: { code?: unknown } })?.cause?.code;
  const reason = scrubUrls(`${String((cause as Error)?.message ?? cause)}${typeof code === 'string' ? ` (${code})` : ''}`).slice(0, 300);
  return new OAuth2TransportError(
    {
      code: timedOut ? 'timeout' : 'network_error',
      phase: options.phase,
      description: timedOut ? `no answer from ${where} within ${options.timeoutMs} ms` : `${request.method} to ${where} failed: ${reason}`,
      retryable: true,
    },
    options.redactor,
  );
}

/**
 * Sends a request, retrying (bounded) the statuses in `retryStatuses` after `Retry-After` or an
 * exponential back-off. Returns the last response; never loops more than `maxRetries` times.
 */
export function sendWithRetry(request: TransportRequest, options: SendOptions): Promise<TransportResponse> {
  return options.retryNetworkErrors ? againAfterNetworkError(request, options) : sendRetryingStatuses(request, options);
}

function sendRetryingStatuses(request: TransportRequest, options: SendOptions): Promise<TransportResponse> {
  if (!options.transport.timesRequests) return sendOnce(request, options).then((response) => retry(request, options, response));
  // the hot path: one step from the transport's answer to ours (size checked, retry decided)
  return sendDirect(request, options).then(
    (response) => {
      checkedSize(response, request, options);
      return options.retry.maxRetries > 0 && options.retryStatuses.includes(response.status) ? retry(request, options, response) : response;
    },
    (cause) => {
      throw transportFailure(cause, request, options, false);
    },
  );
}

const sleepOf = (options: SendOptions) => options.sleep ?? ((ms: number) => hostOf(options.host).sleep(ms));

/** `sendRetryingStatuses`, sent again (bounded, with back-off) when the connection dropped. */
async function againAfterNetworkError(request: TransportRequest, options: SendOptions): Promise<TransportResponse> {
  const sleep = sleepOf(options);
  for (let attempt = 0; ; attempt++) {
    try {
      return await sendRetryingStatuses(request, options);
    } catch (error) {
      if (!(error instanceof OAuth2TransportError) || error.code !== 'network_error' || attempt >= options.retry.maxRetries || options.signal?.aborted) throw error;
      await sleep(options.retry.baseDelayMs * 2 ** attempt);
    }
  }
}

async function retry(request: TransportRequest, options: SendOptions, response: TransportResponse): Promise<TransportResponse> {
  const sleep = sleepOf(options);
  for (let attempt = 0; ; attempt++) {
    if (!options.retryStatuses.includes(response.status) || attempt >= options.retry.maxRetries) return response;
    const asked = retryAfterMs(response.headers['retry-after']);
    if (asked !== undefined && asked > options.retry.maxDelayMs) return response;
    if (asked === undefined && options.retryOnlyWhenAsked?.includes(response.status)) return response;
    await sleep(asked ?? options.retry.baseDelayMs * 2 ** attempt);
    response = await sendOnce(request, options);
  }
}
