'use strict';
// Copies node-red/editor/shared.js into each config node's .html between the markers
// "<!-- BEGIN shared.js -->" and "<!-- END shared.js -->" (Node-RED loads node .html files as
// fragments, so a shared editor script has to be inlined). `--check` exits 1 when out of date.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', 'node-red');
const shared = fs.readFileSync(path.join(root, 'editor', 'shared.js'), 'utf8').trimEnd();
const block = `<!-- BEGIN shared.js -->\n<script type="text/javascript">\n${shared}\n</script>\n<!-- END shared.js -->`;
const pattern = /<!-- BEGIN shared\.js -->[\s\S]*?<!-- END shared\.js -->/;
const check = process.argv.includes('--check');
let stale = 0;
for (const name of ['deployteq-oauth2.html', 'zendesk-chat-oauth2.html', 'oauth2-client.html']) {
  const file = path.join(root, name);
  const html = fs.readFileSync(file, 'utf8');
  if (!pattern.test(html)) throw new Error(`${name} has no shared.js markers`);
  const next = html.replace(pattern, () => block);
  if (next !== html) {
    stale++;
    if (!check) fs.writeFileSync(file, next);
  }
}
if (check && stale) {
  process.stderr.write(`${stale} config node .html file(s) do not contain the current node-red/editor/shared.js: run node scripts/node-red-html.js\n`);
  process.exit(1);
}
