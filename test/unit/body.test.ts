// Issue #8 item 3: bodies are read up to a limit; an endless one stops with a typed error.
import { declaredTooLarge, readCapped, ResponseTooLarge } from '../../lib/oauth2/body';

async function* chunks(size: number, count = Infinity): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) yield new Uint8Array(size);
}

describe('readCapped', () => {
  it('returns the whole body when it fits', async () => {
    expect((await readCapped(chunks(1000, 5), 5000, 200)).length).toBe(5000);
    expect((await readCapped(null, 10, 204)).length).toBe(0);
  });

  it('stops an endless stream just past the limit and cancels it', async () => {
    let pulled = 0;
    let finished = false;
    async function* endless() {
      try {
        for (;;) {
          pulled++;
          yield new Uint8Array(1024);
        }
      } finally {
        finished = true;
      }
    }
    const error = await readCapped(endless(), 10 * 1024, 200).catch((e) => e);
    expect(error).toBeInstanceOf(ResponseTooLarge);
    expect(error.status).toBe(200);
    expect(pulled).toBe(11);
    expect(finished).toBe(true);
  });

  it('a declared Content-Length over the limit needs no reading', () => {
    expect(declaredTooLarge('2000', 1000)).toBe(true);
    expect(declaredTooLarge('1000', 1000)).toBe(false);
    expect(declaredTooLarge(undefined, 1000)).toBe(false);
    expect(declaredTooLarge('junk', 1000)).toBe(false);
  });
});
