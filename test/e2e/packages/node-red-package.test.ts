// Issue #9 item 6: the Node-RED package passes the flow library's scorecard (node-red-dev validate,
// run on the packed tarball), claims only the Node-RED versions the tests run, has human palette
// labels, holds only the Node-RED face and the engine, and is what `npm publish` would upload.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { packed, publishDryRun, ROOT, unpack } from './support';

const { ensureNodeRedDev } = require('../../../scripts/node-red-dev.js');

jest.setTimeout(5 * 60_000);

const pkg = packed().nodeRed;
let dir: string;
beforeAll(() => {
  dir = unpack(pkg.tarball);
});

it('the flow library scorecard: every point passes', () => {
  const { bin } = ensureNodeRedDev();
  const out = path.join(path.dirname(dir), 'scorecard.json');
  const log = execFileSync(process.execPath, ['-r', path.join(ROOT, 'test', 'support', 'scorecard-offline.js'), bin, 'validate', '-p', dir, '-o', out], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  const scorecard = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, { test?: boolean }>;
  const points = Object.entries(scorecard).filter(([key]) => /^[PND]\d\d$/.test(key));
  process.stdout.write(`[node-red-package] scorecard: ${points.map(([k, v]) => `${k}:${v.test ? 'pass' : 'FAIL'}`).join(' ')} (P08 and N01 against an empty catalogue: catalogue.nodered.org is not reachable here)\n`);
  expect(points.filter(([, v]) => v.test !== true)).toEqual([]);
  expect(points.map(([k]) => k).sort()).toEqual(['D01', 'D02', 'D03', 'N01', 'N02', 'P01', 'P03', 'P04', 'P05', 'P06', 'P07', 'P08']);
  expect(log).toContain('Examples found for all nodes');
});

it('package.json: the Node-RED versions the tests run, no dependencies, the node types flows use', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  expect(manifest.name).toBe('node-red-contrib-oauth2-connectors');
  expect(manifest['node-red'].version).toBe('^4.1.0 || ~5.0.0');
  expect(manifest.dependencies ?? {}).toEqual({});
  expect(Object.keys(manifest['node-red'].nodes).sort()).toEqual(['deployteq-oauth2', 'deployteq-webhook', 'oauth2-client', 'oauth2-health', 'oauth2-request', 'zendesk-chat', 'zendesk-chat-oauth2']);
  for (const file of Object.values(manifest['node-red'].nodes) as string[]) {
    expect(fs.existsSync(path.join(dir, file))).toBe(true);
    expect(fs.existsSync(path.join(dir, file.replace(/\.js$/, '.html')))).toBe(true);
    // its help beside it in locales/en-US/, with the shared paragraphs put in by the build
    const help = fs.readFileSync(path.join(dir, path.dirname(file), 'locales', 'en-US', path.basename(file).replace(/\.js$/, '.html')), 'utf8');
    expect(help).not.toContain('<!-- include:');
    if (/oauth2\.js$|oauth2-client\.js$/.test(file)) expect(help).toContain('<b>Disconnect</b> revokes the tokens');
  }
  expect(fs.existsSync(path.join(dir, 'dist', 'node-red', 'locales', 'fragments'))).toBe(false);
  expect(manifest.n8n).toBeUndefined();
});

it('the tarball holds the Node-RED face, the engine, examples and editor resources; nothing of n8n or the sandbox', () => {
  const files = execFileSync('tar', ['tzf', pkg.tarball], { encoding: 'utf8' }).trim().split('\n');
  expect(files.filter((f) => /credentials\/|\/nodes\/|sandbox|n8n/.test(f))).toEqual([]);
  expect(files).toEqual(expect.arrayContaining(['package/resources/oauth2-editor.js', 'package/resources/oauth2-descriptions.js', 'package/dist/hosts/node-red/token-store.js', 'package/dist/lib/hosts/node.js']));
  expect(files.filter((f) => f.startsWith('package/examples/') && f.endsWith('.json')).length).toBeGreaterThanOrEqual(3);
});

it('human labels in the palette and dialog titles, for every node', () => {
  const labels: Record<string, string> = {};
  const RED = { nodes: { registerType: (type: string, def: { paletteLabel?: string }) => { labels[type] = def.paletteLabel ?? type; } }, validators: { number: () => () => true, regex: () => () => true } };
  const window = {};
  vm.runInNewContext(fs.readFileSync(path.join(dir, 'resources', 'oauth2-descriptions.js'), 'utf8'), { window });
  vm.runInNewContext(fs.readFileSync(path.join(dir, 'resources', 'oauth2-editor.js'), 'utf8'), { window, $: () => ({}) });
  for (const file of fs.readdirSync(path.join(dir, 'dist', 'node-red')).filter((f) => f.endsWith('.html'))) {
    const html = fs.readFileSync(path.join(dir, 'dist', 'node-red', file), 'utf8');
    for (const m of html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)) vm.runInNewContext(m[1], { RED, window, $: () => ({}) });
  }
  expect(Object.keys(labels).sort()).toHaveLength(7);
  for (const [type, label] of Object.entries(labels)) expect({ type, human: label !== type && !/^[a-z0-9-]+$/.test(label) }).toEqual({ type, human: true });
});

it('npm publish --dry-run: what would be uploaded is the packed tarball', () => {
  const report = JSON.parse(publishDryRun(pkg.tarball))[pkg.name];
  expect(report).toMatchObject({ name: pkg.name, entryCount: pkg.entries });
});
