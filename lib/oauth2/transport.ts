import { OAuth2TransportError, type OAuth2Phase } from './errors';
import type { Redactor } from './redact';
import type { RetryPolicy, Transport, TransportRequest, TransportResponse } from './types';

/** The default transport: Node's global `fetch` (undici keeps connections alive). */
export const fetchTransport: Transport = async (request) => {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body as BodyInit | undefined,
    signal: request.signal,
    redirect: 'manual',
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
};

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
  phase: OAuth2Phase;
  redactor?: Redactor;
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: Required<RetryPolicy> = { maxRetries: 2, maxDelayMs: 30_000, baseDelayMs: 500 };

export function resolveRetry(policy: RetryPolicy | undefined): Required<RetryPolicy> {
  return { ...DEFAULT_RETRY, ...Object.fromEntries(Object.entries(policy ?? {}).filter(([, v]) => v !== undefined)) };
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One request with a timeout; network failures become `OAuth2TransportError`. A plain controller
 * with a cleared timer costs less per request than `AbortSignal.timeout()` on a hot path.
 */
async function sendOnce(request: TransportRequest, options: SendOptions): Promise<TransportResponse> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${options.timeoutMs} ms`));
  }, options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  try {
    return await options.transport({ ...request, signal });
  } catch (cause) {
    const host = safeHost(request.url);
    throw new OAuth2TransportError(
      {
        code: timedOut ? 'timeout' : 'network_error',
        phase: options.phase,
        description: timedOut
          ? `no answer from ${host} within ${options.timeoutMs} ms`
          : `${request.method} to ${host} failed: ${(cause as Error)?.message ?? String(cause)}`,
        retryable: true,
        cause,
      },
      options.redactor,
    );
  } finally {
    clearTimeout(timer);
  }
}

function safeHost(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'the server';
  }
}

/**
 * Sends a request, retrying (bounded) the statuses in `retryStatuses` after `Retry-After` or an
 * exponential back-off. Returns the last response; never loops more than `maxRetries` times.
 */
export async function sendWithRetry(request: TransportRequest, options: SendOptions): Promise<TransportResponse> {
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt++) {
    const response = await sendOnce(request, options);
    if (!options.retryStatuses.includes(response.status) || attempt >= options.retry.maxRetries) return response;
    const asked = retryAfterMs(response.headers['retry-after']);
    if (asked !== undefined && asked > options.retry.maxDelayMs) return response;
    await sleep(asked ?? options.retry.baseDelayMs * 2 ** attempt);
  }
}
