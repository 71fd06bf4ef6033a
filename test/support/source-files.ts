// The product's source files, for tests that check a fact is written in one place only.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.join(__dirname, '..', '..');

/** Paths (relative to the repository) of the files under `dirs` whose names match `name`. */
export function productFiles(name: RegExp, dirs: readonly string[] = ['lib', 'hosts', 'nodes', 'credentials', 'node-red']): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (name.test(entry.name)) out.push(rel);
    }
  };
  dirs.forEach(walk);
  return out;
}

/** The files among `productFiles` whose text matches `pattern`. */
export function filesContaining(pattern: RegExp, name: RegExp, dirs?: readonly string[]): string[] {
  return productFiles(name, dirs).filter((rel) => pattern.test(fs.readFileSync(path.join(REPO_ROOT, rel), 'utf8')));
}
