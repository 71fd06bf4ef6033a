// n8n's community package scanner, offline: its static analysis (the same ESLint configuration and
// options its CLI uses: the scanner's own eslint, buildScanConfig(), no inline config, the
// package's own eslint config ignored) on a folder, with a structured result on stdout.
// Usage: node n8n-scan.mjs <scanner install dir> <folder> [--source]
//   default: the tarball leg (every .js and package.json); --source: the source leg (package.json,
//   nodes/ and credentials/).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// importing the scanner makes a temp folder it never removes: keep it in one of ours
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-scan-'));
process.env.TMPDIR = scratch;
process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));

const [installDir, target, ...flags] = process.argv.slice(2);
const requireFrom = createRequire(path.join(installDir, 'package.json'));
const scanner = await import(pathToFileURL(path.join(installDir, 'node_modules', '@n8n', 'scan-community-package', 'scanner', 'scanner.mjs')).href);
const { ESLint } = await import(pathToFileURL(requireFrom.resolve('eslint')).href);
const glob = (await import(pathToFileURL(requireFrom.resolve('fast-glob')).href)).default;

const dir = path.resolve(target);
const patterns = flags.includes('--source') ? scanner.SOURCE_FILE_PATTERNS : ['**/*.js', 'package.json'];
const eslint = new ESLint({ cwd: dir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await scanner.buildScanConfig() });
const files = glob.sync(patterns, { cwd: dir, absolute: true, followSymbolicLinks: true, ignore: ['node_modules/**', '**/package-lock.json'] });
const results = await eslint.lintFiles(files);
const problems = results.flatMap((r) => r.messages.map((m) => ({ severity: m.severity === 2 ? 'error' : 'warning', rule: m.ruleId, file: path.relative(dir, r.filePath), line: m.line, message: m.message })));
const verdict = await scanner.analyzePackage(dir, patterns);
process.stdout.write(JSON.stringify({ files: files.length, passed: verdict.passed, errors: problems.filter((p) => p.severity === 'error'), warnings: problems.filter((p) => p.severity === 'warning') }));
