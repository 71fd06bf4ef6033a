'use strict';
// Builds the two npm packages of this repository and packs them:
//   build/n8n-nodes-oauth2-connectors/        + build/n8n-nodes-oauth2-connectors-<version>.tgz
//   build/node-red-contrib-oauth2-connectors/ + build/node-red-contrib-oauth2-connectors-<version>.tgz
// Each package gets its manifest from packages/<host>/package.json (complete, as n8n's scanner reads
// it from the source too; its version must be the root's), its README from packages/<host>/README.md,
// and from dist/ exactly the
// compiled files its entry points reach (the engine compiled in, nothing of the other host), plus
// the assets next to them. Zero runtime dependencies. `node scripts/pack.js --no-build` reuses dist/.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const BUILD = path.join(ROOT, 'build');
const root = require(path.join(ROOT, 'package.json'));
/** Fields both manifests must share with the root's package.json. */
const SHARED_FIELDS = ['version', 'license', 'author', 'homepage', 'repository', 'bugs', 'engines'];

function manifest(host) {
  const template = JSON.parse(fs.readFileSync(path.join(ROOT, 'packages', host, 'package.json'), 'utf8'));
  for (const field of SHARED_FIELDS) {
    if (JSON.stringify(template[field]) !== JSON.stringify(root[field])) {
      throw new Error(`packages/${host}/package.json: "${field}" differs from the root package.json; keep them equal`);
    }
  }
  return template;
}

/** Relative requires of a compiled CommonJS file. */
function requiresOf(file) {
  const code = fs.readFileSync(file, 'utf8');
  return [...code.matchAll(/require\(["'](\.{1,2}\/[^"']+)["']\)/g)].map((m) => m[1]);
}

function resolveJs(from, spec) {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.js`, path.join(base, 'index.js')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${path.relative(ROOT, from)} requires ${spec}, which was not built`);
}

/** Every compiled file reachable from the entry points through relative requires. */
function reachable(entries) {
  const seen = new Set();
  const queue = entries.map((e) => path.join(ROOT, e));
  while (queue.length) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    if (!fs.existsSync(file)) throw new Error(`entry point ${path.relative(ROOT, file)} was not built`);
    seen.add(file);
    for (const spec of requiresOf(file)) queue.push(resolveJs(file, spec));
  }
  return [...seen].sort();
}

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true });
}

/** Assets next to the entry points' folders: icons, codex files, editor files, Node-RED's locales (help). */
function assetsBeside(files, pattern) {
  const dirs = new Set(files.map((f) => path.dirname(f)));
  const out = [];
  for (const dir of dirs) {
    for (const name of fs.readdirSync(dir)) {
      const full = path.join(dir, name);
      if (fs.statSync(full).isFile() && pattern.test(name)) out.push(full);
      if ((name === 'icons' || name === 'locales') && fs.statSync(full).isDirectory()) out.push(full);
    }
  }
  return out;
}

function stage(host, pkg, entries, extras) {
  const dir = path.join(BUILD, pkg.name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const files = reachable(entries);
  for (const file of files) copy(file, path.join(dir, path.relative(ROOT, file)));
  for (const asset of assetsBeside(entries.map((e) => path.join(ROOT, e)), extras.assets)) copy(asset, path.join(dir, path.relative(ROOT, asset)));
  for (const item of extras.copy ?? []) copy(path.join(ROOT, item), path.join(dir, item));
  copy(path.join(ROOT, 'LICENSE'), path.join(dir, 'LICENSE'));
  copy(path.join(ROOT, 'packages', host, 'README.md'), path.join(dir, 'README.md'));
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  return { dir, files: files.length };
}

function pack(dir) {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', BUILD], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const [info] = JSON.parse(out);
  return { tarball: path.join(BUILD, info.filename), size: info.size, entries: info.entryCount };
}

function main() {
  if (!process.argv.includes('--no-build')) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  fs.mkdirSync(BUILD, { recursive: true });
  for (const old of fs.readdirSync(BUILD).filter((f) => f.endsWith('.tgz'))) fs.rmSync(path.join(BUILD, old));

  const n8n = manifest('n8n');
  const n8nStaged = stage('n8n', n8n, [...n8n.n8n.credentials, ...n8n.n8n.nodes], { assets: /\.(svg|png|json)$/ });
  const nodeRed = manifest('node-red');
  const nodeRedStaged = stage('node-red', nodeRed, Object.values(nodeRed['node-red'].nodes), { assets: /\.(html|svg|png)$/, copy: ['examples', 'resources'] });

  const result = {
    n8n: { name: n8n.name, ...n8nStaged, ...pack(n8nStaged.dir) },
    nodeRed: { name: nodeRed.name, ...nodeRedStaged, ...pack(nodeRedStaged.dir) },
  };
  fs.writeFileSync(path.join(BUILD, 'packages.json'), `${JSON.stringify(result, null, 2)}\n`);
  for (const p of Object.values(result)) console.log(`packed ${p.name}: ${path.relative(ROOT, p.tarball)} (${p.files} compiled files, ${p.entries} entries, ${p.size} bytes)`);
}

module.exports = { BUILD, manifest };

if (require.main === module) main();
