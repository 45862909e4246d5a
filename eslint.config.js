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
          { group: ['**/shell/**', '**/cli/**', '**/app/**', '**/renderer/**', '**/preload/**'], message: 'main/engine imports only engine files and libraries.' },
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
    files: ['main/app/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*', '**/shell/**', '**/cli/**', '**/renderer/**'], message: 'main/app is pure Node over the engine: the Electron shell and the UI tests both host it.' },
        ],
      }],
    },
  },
  {
    files: ['renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'electron', '**/main/**', '**/preload/**', '!**/preload/ipc-contract.ts'], message: 'the renderer imports only renderer files and `import type` from preload/ipc-contract.ts.' },
          { group: ['**/preload/ipc-contract.ts'], allowTypeImports: true, message: 'the renderer takes only types from the contract (`import type`).' },
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
