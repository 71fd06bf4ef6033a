// Issue #9 item 5: the n8n package passes n8n's own checks offline, against the packed tarball:
// the community package scanner's static analysis (its tarball leg over every .js and package.json,
// and its source leg over package.json, nodes/ and credentials/) and the community-node lint with
// the plugin's n8n Cloud (strict) rule set; zero runtime dependencies; what `npm publish` would
// upload (dry run). Provenance and the registry look-ups need the public registry and GitHub.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packed, publishDryRun, ROOT, runJson, unpack, type LintReport } from './support';

const { ensureScanner } = require('../../../scripts/n8n-scanner.js');

jest.setTimeout(5 * 60_000);

const pkg = packed().n8n;
let scanner: string;
let dir: string;

beforeAll(() => {
  scanner = ensureScanner();
  dir = unpack(pkg.tarball);
});

const describeProblems = (report: LintReport) => JSON.stringify([...report.errors, ...report.warnings], null, 1);

it('the scanner\'s tarball leg: 0 errors, 0 warnings over every .js file and package.json', () => {
  const report = runJson<LintReport>(path.join(ROOT, 'test', 'support', 'n8n-scan.mjs'), [scanner, dir]);
  process.stdout.write(`[n8n-package] scanner, tarball: ${report.files} files, ${report.errors.length} errors, ${report.warnings.length} warnings\n`);
  expect(report.files).toBeGreaterThan(50);
  expect(describeProblems(report)).toBe('[]');
  expect(report.passed).toBe(true);
});

it('the scanner\'s source leg: package.json, nodes/ and credentials/ (TypeScript) pass too', () => {
  const source = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-source-'));
  fs.copyFileSync(path.join(ROOT, 'packages', 'n8n', 'package.json'), path.join(source, 'package.json'));
  // copies, not symlinks: some of the scanner's rules read the real path and misjudge linked files
  fs.cpSync(path.join(ROOT, 'credentials'), path.join(source, 'credentials'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'nodes'), path.join(source, 'nodes'), { recursive: true });
  const report = runJson<LintReport>(path.join(ROOT, 'test', 'support', 'n8n-scan.mjs'), [scanner, source, '--source']);
  process.stdout.write(`[n8n-package] scanner, source: ${report.files} files, ${report.errors.length} errors, ${report.warnings.length} warnings\n`);
  expect(report.files).toBeGreaterThan(20);
  expect(describeProblems(report)).toBe('[]');
});

it('the community-node lint, n8n Cloud rule set (restricted globals and imports), on the tarball', () => {
  const report = runJson<LintReport & { configs: string[] }>(path.join(ROOT, 'test', 'support', 'n8n-lint.mjs'), [dir, 'recommended', '**/*.js', 'package.json']);
  expect(report.configs).toEqual(expect.arrayContaining(['recommended', 'recommendedWithoutN8nCloudSupport']));
  expect(report.files).toBeGreaterThan(50);
  expect(describeProblems(report)).toBe('[]');
});

it('the tarball holds only the n8n face and the engine: no Node-RED code, no sandbox, no timers, sockets or file access', () => {
  const files = execFileSync('tar', ['tzf', pkg.tarball], { encoding: 'utf8' }).trim().split('\n');
  expect(files.filter((f) => /node-red|sandbox|^package\/(resources|examples)\/|lib\/hosts\/|hosts\/node-red\/|http-transport/.test(f))).toEqual([]);
  expect(files).toEqual(expect.arrayContaining(['package/dist/credentials/DeployteqOAuth2Api.credentials.js', 'package/dist/nodes/Deployteq/Deployteq.node.js', 'package/dist/lib/oauth2/grants.js', 'package/dist/hosts/n8n/transport.js']));
  for (const file of files.filter((f) => f.endsWith('.js'))) {
    const code = fs.readFileSync(path.join(dir, file.replace(/^package\//, '')), 'utf8');
    expect({ file, bad: /\b(setTimeout|setInterval|process\.|require\("node:(fs|path|http|https|timers)"\))/.exec(code)?.[0] }).toEqual({ file, bad: undefined });
  }
});

it('package.json: no runtime dependencies, n8n-workflow as the only peer, author, links, the n8n section, the names users have', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  expect(manifest.name).toBe('n8n-nodes-oauth2-connectors');
  expect(manifest.dependencies ?? {}).toEqual({});
  expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
  expect(manifest.author).toMatchObject({ name: expect.any(String), email: expect.stringMatching(/@/) });
  for (const field of ['homepage', 'license']) expect(manifest[field]).toBeTruthy();
  expect(manifest.repository.url).toMatch(/^git\+https:\/\//);
  expect(manifest.bugs.url).toMatch(/^https:\/\//);
  expect(manifest.keywords).toContain('n8n-community-node-package');
  expect(manifest.n8n.credentials).toEqual(['dist/credentials/DeployteqOAuth2Api.credentials.js', 'dist/credentials/ZendeskChatOAuth2Api.credentials.js', 'dist/credentials/ZendeskChatPasswordOAuth2Api.credentials.js', 'dist/credentials/AdvancedOAuth2Api.credentials.js']);
  for (const entry of [...manifest.n8n.credentials, ...manifest.n8n.nodes]) expect(fs.existsSync(path.join(dir, entry))).toBe(true);
  expect(manifest['node-red']).toBeUndefined();
});

it('npm publish --dry-run: what would be uploaded is the packed tarball', () => {
  const report = JSON.parse(publishDryRun(pkg.tarball))[pkg.name];
  expect(report).toMatchObject({ name: pkg.name, version: JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version, entryCount: pkg.entries });
});
