#!/usr/bin/env node
'use strict';
/* global window, document */
// Regenerates docs/images/node-red-demo.png: runs `npm start`'s demo (scripts/demo.js) on free
// ports, opens the editor in headless chromium (/usr/bin/chromium, driven by playwright-core; see
// scripts/chromium-ensure.sh), opens the debug sidebar, clicks every inject button of the demo flow
// and saves a screenshot. Then stops the demo with SIGINT. Usage: node scripts/demo-screenshot.js [out.png]
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.resolve(process.argv[2] || path.join(ROOT, 'docs', 'images', 'node-red-demo.png'));

function startDemo() {
  const demo = spawn(process.execPath, [path.join(__dirname, 'demo.js')], {
    cwd: ROOT, env: { ...process.env, DEMO_PORT: '0', DEMO_SANDBOX_PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the demo did not get ready within 120 s')), 120_000);
    demo.stdout.on('data', (chunk) => {
      output += chunk.toString('utf8');
      const match = output.match(/Demo ready: (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    demo.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited (${code}) before it was ready`));
    });
  });
  return { demo, ready };
}

async function main() {
  const { demo, ready } = startDemo();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-demo-profile-'));
  let browser;
  try {
    const editorUrl = await ready;
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1440, height: 720 },
      timeout: 60_000,
    });
    const page = await browser.newPage();
    await page.goto(editorUrl);
    await page.waitForFunction(() => {
      const RED = window.RED;
      return RED && RED.nodes && RED.nodes.getType && RED.nodes.getType('deployteq-webhook') && RED.workspaces.active() && document.querySelectorAll('.red-ui-flow-node-button').length >= 4;
    }, undefined, { timeout: 60_000 });
    // a newcomer should see no node marked invalid (red triangle)
    const invalid = await page.evaluate(() => {
      const out = [];
      window.RED.nodes.eachNode((n) => { if (n.valid === false) out.push(`${n.type} ${n.name || n.id}`); });
      window.RED.nodes.eachConfig((n) => { if (n.valid === false) out.push(`${n.type} ${n.name || n.id}`); });
      return out;
    });
    if (invalid.length) throw new Error(`the editor marks nodes invalid: ${invalid.join(', ')}`);
    await page.evaluate(() => window.RED.sidebar.show('debug'));
    // click the inject buttons as a newcomer would, one after the other (the sidebar keeps the
    // latest messages in view: the chats first, the single answers last)
    const flows = await (await fetch(`${editorUrl}flows`)).json();
    const injectOf = (type, extra = () => true) => {
      const target = flows.find((n) => n.type === type && extra(n));
      return flows.find((n) => n.type === 'inject' && n.wires[0].includes(target.id)).id;
    };
    const order = [
      injectOf('zendesk-chat', (n) => n.resource === 'chat'),
      injectOf('zendesk-chat', (n) => n.resource === 'account'),
      injectOf('deployteq-webhook'),
      injectOf('oauth2-request'),
    ];
    for (const id of order) {
      await page.click(`[id="${id}"] .red-ui-flow-node-button`);
      await page.waitForTimeout(700);
    }
    await page.waitForFunction(() => document.querySelectorAll('.red-ui-debug-msg').length >= 6, undefined, { timeout: 30_000 });
    // let the "Successfully injected" notifications fade
    await page.waitForFunction(() => !document.querySelector('.red-ui-notification'), undefined, { timeout: 15_000 }).catch(() => undefined);
    await page.waitForTimeout(300);
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    await page.screenshot({ path: OUT });
    process.stdout.write(`saved ${path.relative(process.cwd(), OUT)}\n`);
  } finally {
    await (browser && browser.close().catch(() => undefined));
    fs.rmSync(profile, { recursive: true, force: true });
    if (demo.exitCode === null && demo.signalCode === null) {
      demo.kill('SIGINT');
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          demo.kill('SIGKILL');
          resolve();
        }, 15_000);
        demo.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

main().catch((error) => {
  process.stderr.write(`${error && error.message ? error.message : error}\n`);
  process.exit(1);
});
