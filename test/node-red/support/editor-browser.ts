// A real browser (Debian chromium driven by playwright-core, no browser download) against an
// embedded Node-RED 4.1 with adminAuth and httpAdminRoot /admin, for the editor tests.
import * as path from 'node:path';
import { launchChromium, type Any } from '../../support/chromium';
import { tempUserDir } from './helper';
import { startRuntime, type Runtime } from './runtime';

export type { Any };

export interface EditorBrowser {
  runtime: Runtime;
  browser: Any;
  /** A new tab, signed in (when the session is not yet), once `type` is registered in the editor. */
  openEditor(type: string): Promise<Any>;
  close(): Promise<void>;
}

export async function startEditorBrowser(admin: { username: string; password: string }, userDirPrefix: string): Promise<EditorBrowser> {
  const runtime = await startRuntime({ nodeRedDir: path.dirname(require.resolve('node-red/package.json')), userDir: tempUserDir(userDirPrefix), httpAdminRoot: '/admin', admin, maxLifetimeMs: 8 * 60_000 });
  await runtime.login();
  const chromium = await launchChromium();
  const browser = chromium.context;
  return {
    runtime,
    browser,
    async openEditor(type) {
      const page = await browser.newPage();
      await page.goto(runtime.adminUrl);
      // the login dialog, or the editor when the session is signed in already
      await page.waitForFunction(() => ['#node-dialog-login-username', '#red-ui-palette'].some((s) => (document.querySelector(s) as HTMLElement | null)?.offsetParent), undefined, { timeout: 60_000 });
      if (await page.isVisible('#node-dialog-login-username')) {
        await page.fill('#node-dialog-login-username', admin.username);
        await page.fill('#node-dialog-login-password', admin.password);
        await page.click('#node-dialog-login-submit');
      }
      await page.waitForFunction((name: string) => {
        const RED = (window as Any).RED;
        return RED && RED.nodes && RED.nodes.getType && RED.nodes.getType(name) && RED.workspaces.active();
      }, type, { timeout: 60_000 });
      return page;
    },
    async close() {
      await chromium.close();
      await runtime.stop();
    },
  };
}
