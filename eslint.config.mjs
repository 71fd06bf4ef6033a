import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.cache/**', 'resources/oauth2-descriptions.js', 'build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', URL: 'readonly',
        URLSearchParams: 'readonly', fetch: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly',
        __dirname: 'readonly', require: 'readonly', module: 'writable', exports: 'writable', Headers: 'readonly', Response: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  // n8n face: the community-node rules on credentials/, nodes/ and the n8n glue (the plugin's recommended set).
  {
    ...n8nCommunityNodesPlugin.configs.recommended,
    ignores: [],
    files: ['credentials/**/*.ts', 'nodes/**/*.ts', 'hosts/n8n/**/*.ts'],
  },
);
