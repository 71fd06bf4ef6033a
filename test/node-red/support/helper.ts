// Shared setup of the node-red-node-test-helper tests: the compiled node modules (what Node-RED
// loads), a temporary user directory per test file, and small waiting utilities.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const helper: any = require('node-red-node-test-helper');
helper.init(require.resolve('node-red'));

const DIST = path.join(__dirname, '..', '..', '..', 'dist', 'node-red');
/** Every node module the Node-RED package declares (packages/node-red/package.json), compiled. */
const MANIFEST = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'packages', 'node-red', 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };
export const NODE_TYPES = Object.keys(MANIFEST['node-red'].nodes);
export const NODES = NODE_TYPES.map((name) => require(path.join(DIST, `${name}.js`)) as (red: unknown) => void);

export function tempUserDir(prefix = 'nr-oauth2-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function useSettings(userDir: string, extra: Record<string, unknown> = {}): void {
  helper.settings({ userDir, credentialSecret: 'test-credential-secret', ...extra });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Msg = Record<string, any>;

/** Collects `count` messages arriving on a helper node; rejects after `timeoutMs`. */
export function collectMessages(node: { on(e: string, f: (m: Msg) => void): void }, count: number, timeoutMs = 20_000): Promise<Msg[]> {
  return new Promise((resolve, reject) => {
    const out: Msg[] = [];
    const timer = setTimeout(() => reject(new Error(`timed out: ${out.length}/${count} messages`)), timeoutMs);
    timer.unref();
    node.on('input', (msg: Msg) => {
      out.push(msg);
      if (out.length === count) {
        clearTimeout(timer);
        resolve(out);
      }
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until `check` returns a truthy value. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Text that must never appear in any output of a test. */
export function assertNoSecrets(text: string, secrets: Array<string | undefined>): void {
  for (const s of secrets) if (s && s.length >= 4 && text.includes(s)) throw new Error('a secret leaked into the output');
}
