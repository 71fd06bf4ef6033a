// The READMEs stand alone (issue #11 item 9): every relative link and image points at a file of
// this repository, and no text points at a path outside it (such as the team's reference folder).
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const DOCS = ['README.md', 'sandbox/README.md', 'packages/n8n/README.md', 'packages/node-red/README.md', 'BENCHMARKS.md'];

describe.each(DOCS)('%s', (doc) => {
  const text = fs.readFileSync(path.join(ROOT, doc), 'utf8');

  it('relative links and images resolve inside the repository', () => {
    const broken: string[] = [];
    for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1].split('#')[0];
      if (!target || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      const file = path.resolve(path.dirname(path.join(ROOT, doc)), target);
      if (!file.startsWith(ROOT + path.sep) || !fs.existsSync(file)) broken.push(match[1]);
    }
    expect(broken).toEqual([]);
  });

  it('names no path outside the repository', () => {
    expect(text).not.toMatch(/\/work\/|\.\.\/shared\/|shared\/reference/);
  });
});
