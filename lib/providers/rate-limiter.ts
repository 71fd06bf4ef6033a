import { engineHost } from '../oauth2/host';

/**
 * Client-side sliding-window limiter: at most `limit` requests in any `windowMs`. Callers await
 * `acquire()`; waits are computed, never polled. Used to stay under Zendesk Chat's 200/min so the
 * server never has to answer 429.
 */
export class SlidingWindowLimiter {
  private readonly sent: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => engineHost().sleep(ms),
  ) {
    if (!(limit >= 1) || !(windowMs > 0)) throw new RangeError('rate limit needs limit >= 1 and windowMs > 0');
  }

  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.take());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async take(): Promise<void> {
    for (;;) {
      const now = this.now();
      while (this.sent.length && this.sent[0] <= now - this.windowMs) this.sent.shift();
      if (this.sent.length < this.limit) {
        this.sent.push(now);
        return;
      }
      await this.sleep(this.sent[0] + this.windowMs - now);
    }
  }
}
