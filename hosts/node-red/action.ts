import { OAuth2Error, OAuth2ReauthorizationRequired } from '../../lib/oauth2/errors';
import { ProviderApiError } from '../../lib/providers/http-json';
import { safeMessage } from './connection';
import type { NodeMessage, RedNode } from './red';

/** Short (< 20 chars) status text for an error. */
export function statusText(error: unknown): string {
  if (error instanceof OAuth2ReauthorizationRequired || (error instanceof OAuth2Error && error.code === 'reauthorization_required')) return 'reconnect needed';
  if (error instanceof ProviderApiError) return `HTTP ${error.status}`;
  if (error instanceof OAuth2Error) return error.code.length < 20 ? error.code : 'token error';
  const status = (error as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number') return `HTTP ${status}`;
  return 'error';
}

/** A Catch-able error whose message carries no secret. */
export function nodeError(error: unknown, redact?: (text: string) => string): Error {
  const message = redact ? redact(safeMessage(error)) : safeMessage(error);
  const out = new Error(message);
  if (error instanceof OAuth2Error) Object.assign(out, { code: error.code, phase: error.phase });
  if (error instanceof ProviderApiError) Object.assign(out, { statusCode: error.status });
  const status = (error as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number') Object.assign(out, { statusCode: status });
  return out;
}

type Send = (msg: NodeMessage | Array<NodeMessage | null>) => void;

/**
 * Runs one message: blue dot "requesting" while any message is in flight, a red ring on error,
 * and `done(err)` so Catch nodes see the failure. Messages are never retried here: the engine
 * already refreshed once / retried `Retry-After` within bounds.
 */
export function handleInput(
  node: RedNode,
  run: (msg: NodeMessage, send: Send) => Promise<void>,
  options: { redact?: () => ((text: string) => string) | undefined; onError?: (msg: NodeMessage, error: unknown) => void } = {},
): void {
  let inflight = 0;
  node.on('input', (msg, send, done) => {
    inflight++;
    if (inflight === 1) node.status({ fill: 'blue', shape: 'dot', text: 'requesting' });
    run(msg, send).then(
      () => {
        inflight--;
        if (inflight === 0) node.status({});
        done();
      },
      (error: unknown) => {
        inflight--;
        options.onError?.(msg, error);
        node.status({ fill: 'red', shape: 'ring', text: statusText(error) });
        done(nodeError(error, options.redact?.()));
      },
    );
  });
}
