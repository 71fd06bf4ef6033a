// Issue #9 item 5: a release workflow publishes both packages with npm provenance, from the
// tarballs `npm run pack` makes, after the tests passed on the same commit.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packed, ROOT } from './support';

const workflow = fs.readFileSync(path.join(ROOT, '.github', 'workflows', 'release.yml'), 'utf8');

it('publishes both packed tarballs with provenance, after npm test and npm run pack', () => {
  const steps = workflow.split('\n').filter((line) => /^\s+- (run|name|uses):/.test(line)).map((line) => line.trim());
  const at = (needle: string) => steps.findIndex((s) => s.includes(needle));
  expect(workflow).toMatch(/id-token: write/);
  expect(at('npm ci')).toBeGreaterThan(-1);
  expect(at('npm test')).toBeGreaterThan(at('npm ci'));
  expect(at('npm run pack')).toBeGreaterThan(at('npm test'));
  for (const { name } of Object.values(packed())) {
    const publish = new RegExp(`npm publish --provenance --access public build/${name}-\\*\\.tgz`);
    expect(workflow).toMatch(publish);
  }
});
