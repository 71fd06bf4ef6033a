// A real browser for the editor tests: Debian's chromium (scripts/chromium-ensure.sh installs it
// with apt-get when missing; playwright downloads no browser), driven by playwright-core, headless,
// with a fresh profile that `close()` removes.
// Used by the Node-RED and n8n editor tests alike.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Any = any;
const { chromium } = require('playwright-core');

const ROOT = path.join(__dirname, '..', '..');

export interface Chromium {
  /** The browser context (playwright `BrowserContext`): `newPage()`, `waitForEvent('page')` for popups. */
  context: Any;
  close(): Promise<void>;
}

export async function launchChromium(options: { viewport?: { width: number; height: number } } = {}): Promise<Chromium> {
  execFileSync('sh', [path.join(ROOT, 'scripts', 'chromium-ensure.sh')], { stdio: 'inherit', timeout: 10 * 60_000 });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: options.viewport ?? { width: 1400, height: 900 },
    timeout: 60_000,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
