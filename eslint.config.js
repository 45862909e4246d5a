// Lint rules, the layering rule first: the engine is pure Node and never imports
// electron; the renderer imports only renderer files and types from the preload contract.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*'], message: 'main/engine is pure Node: never import electron (ARCHITECTURE.md).' },
          { group: ['**/shell/**', '**/cli/**', '**/renderer/**', '**/preload/**'], message: 'main/engine imports only engine files and libraries.' },
        ],
      }],
    },
  },
  {
    files: ['main/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['electron', 'electron/*', '**/shell/**'], message: 'the CLI is headless: no electron.' }],
      }],
    },
  },
  {
    files: ['renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'electron', '**/main/**'], message: 'the renderer imports only renderer files and `import type` from preload/ipc-contract.ts.' },
        ],
      }],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
);
