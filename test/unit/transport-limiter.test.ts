import { SlidingWindowLimiter } from '../../lib/providers/rate-limiter';
import { retryAfterMs } from '../../lib/oauth2/send';

describe('Retry-After', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe('sliding window limiter', () => {
  it('admits at most limit per window, in order', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = new SlidingWindowLimiter(3, 1000, () => now, async (ms) => {
      waits.push(ms);
      now += ms;
    });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4, 5, 6].map((i) => limiter.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(waits).toEqual([1000, 1000]);
    expect(now).toBe(2000);
  });

  it('rejects nonsense limits', () => {
    expect(() => new SlidingWindowLimiter(0, 1000)).toThrow(RangeError);
  });
});
