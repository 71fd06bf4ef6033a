// Issue #8 item 3: an endless or huge answer stops at a byte limit with a typed error, and the
// process's memory stays bounded (measured in a child process, RSS growth < twice the limit).
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { TOKEN_RESPONSE_MAX_BYTES } from '../../lib/oauth2/body';
import { OAuth2ResponseError } from '../../lib/oauth2/errors';
import { clientCredentialsGrant } from '../../lib/oauth2/grants';
import { TokenManager } from '../../lib/oauth2/token-manager';
import type { OAuth2Config } from '../../lib/oauth2/types';
import { startSandbox, type Sandbox } from '../../sandbox';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ maxLifetimeMs: 5 * 60_000 });
});
afterAll(() => sb?.close());
beforeEach(() => sb.reset());

const config = (extra: Partial<OAuth2Config> = {}): OAuth2Config => ({
  client: { clientId: 'gen-client', clientSecret: 'gen-secret', method: 'basic' },
  tokenUrl: `${sb.url}/generic/oauth2/token`,
  retry: { maxRetries: 0 },
  ...extra,
});

interface ChildReport {
  warmup: number;
  results: Array<{ code: string; growth: number; ms: number }>;
}

function child(mode: 'token' | 'api', limit?: number): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--max-semi-space-size=1', path.join(__dirname, 'support', 'endless-child.js')],
      { env: { ...process.env, ENDLESS_MODE: mode, ENDLESS_SANDBOX: sb.url, ENDLESS_LIMIT: limit ? String(limit) : '' }, timeout: 120_000 },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as ChildReport)),
    );
  });
}

it('an endless token answer ends in response_too_large at the fixed token limit', async () => {
  sb.addFault({ provider: 'generic', endpoint: 'token', kind: 'endless-body' });
  const error = await clientCredentialsGrant({ config: config() }).catch((e) => e);
  expect(error).toBeInstanceOf(OAuth2ResponseError);
  expect(error.code).toBe('response_too_large');
  expect(error.message).toContain(`larger than ${TOKEN_RESPONSE_MAX_BYTES} bytes`);
});

it('an endless API answer ends in response_too_large at the configured limit; the token is kept', async () => {
  const manager = new TokenManager({ config: config({ maxResponseBytes: 256 * 1024 }), grant: { type: 'client_credentials' } });
  expect((await manager.fetch({ url: `${sb.url}/generic/api/me` })).status).toBe(200);
  sb.addFault({ provider: 'generic', endpoint: 'api', kind: 'endless-body' });
  const error = await manager.fetch({ url: `${sb.url}/generic/api/me` }).catch((e) => e);
  expect(error.code).toBe('response_too_large');
  expect(error.message).toMatch(/answer of http:\/\/127\.0\.0\.1:\d+\/generic\/api\/me is larger than 262144 bytes/);
  expect((await manager.fetch({ url: `${sb.url}/generic/api/me` })).status).toBe(200);
  expect(sb.counters.tokenRequests).toBe(1);
});

describe('memory stays bounded (RSS growth of a fresh process, after warm-up)', () => {
  jest.setTimeout(120_000);

  it.each([
    ['token', undefined, TOKEN_RESPONSE_MAX_BYTES],
    ['api', 8 * 1024 * 1024, 8 * 1024 * 1024],
  ] as const)('%s answer (limit %p): every request ends in the typed error; RSS grows less than twice the limit', async (mode, limit, cap) => {
    const report = await child(mode, limit);
    const measured = report.results.slice(report.warmup);
    expect(report.results.every((r) => r.code === 'response_too_large')).toBe(true);
    const worst = Math.max(...measured.map((r) => r.growth));
    process.stdout.write(`[bounded-bodies] ${mode}: limit ${cap} B, worst RSS growth ${worst} B over ${measured.length} runs, ${Math.max(...measured.map((r) => r.ms))} ms at most\n`);
    expect(worst).toBeLessThan(2 * cap);
  });
});
