// The community-node ESLint rules (@n8n/eslint-plugin-community-nodes, this project's dev
// dependency) with one of the plugin's configs on a folder: `recommended` is the n8n Cloud (strict)
// set, with the restricted globals and imports. Structured result on stdout.
// Usage: node n8n-lint.mjs <folder> <config> <glob> [glob ...]
import path from 'node:path';
import { ESLint } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

const [target, configName, ...globs] = process.argv.slice(2);
const dir = path.resolve(target);
const config = n8nCommunityNodesPlugin.configs[configName];
if (!config) throw new Error(`the plugin has no config "${configName}" (it has ${Object.keys(n8nCommunityNodesPlugin.configs).join(', ')})`);
const eslint = new ESLint({
  cwd: dir,
  overrideConfigFile: true,
  allowInlineConfig: false,
  overrideConfig: [
    { ignores: ['node_modules/**', '**/package-lock.json'] },
    config,
    { files: ['**/*.ts', '**/*.json'], languageOptions: { parser: tsParser } },
  ],
});
const results = await eslint.lintFiles(globs);
const problems = results.flatMap((r) => r.messages.map((m) => ({ severity: m.severity === 2 ? 'error' : 'warning', rule: m.ruleId, file: path.relative(dir, r.filePath), line: m.line, message: m.message })));
process.stdout.write(JSON.stringify({ files: results.length, configs: Object.keys(n8nCommunityNodesPlugin.configs), errors: problems.filter((p) => p.severity === 'error'), warnings: problems.filter((p) => p.severity === 'warning') }));
