// The packed packages (build/, made by scripts/pack.js before the tests) and helpers to unpack and
// check them.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..', '..');
export const BUILD = path.join(ROOT, 'build');

export interface PackedPackage {
  name: string;
  dir: string;
  tarball: string;
  files: number;
  entries: number;
  size: number;
}

export function packed(): { n8n: PackedPackage; nodeRed: PackedPackage } {
  const file = path.join(BUILD, 'packages.json');
  if (!fs.existsSync(file)) throw new Error('build/packages.json is missing: run `npm run pack` (npm test does) first');
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Unpacks a tarball as npm would install it; returns the package folder. */
export function unpack(tarball: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unpacked-'));
  execFileSync('tar', ['xzf', tarball, '-C', dir]);
  return path.join(dir, 'package');
}

/** Runs a node script and parses its JSON output. */
export function runJson<T>(script: string, args: string[], options: { cwd?: string } = {}): T {
  // without jest's NODE_ENV=test: n8n's lint rules swap in fixture file names when they see it
  const env = { ...process.env };
  delete env.NODE_ENV;
  const out = execFileSync(process.execPath, [script, ...args], { cwd: options.cwd ?? ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out) as T;
}

export interface LintReport {
  files: number;
  passed?: boolean;
  errors: Array<{ rule: string; file: string; line: number; message: string }>;
  warnings: Array<{ rule: string; file: string; line: number; message: string }>;
}

/** `npm publish --dry-run` of a tarball: what npm would upload, nothing uploaded. */
export function publishDryRun(tarball: string): string {
  return execFileSync('npm', ['publish', '--dry-run', '--json', tarball], { cwd: os.tmpdir(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_provenance: 'false' } });
}
