import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'tilesets/', 'data/', 'dist/', 'test-results/', 'client/public/cesium/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The simulation core does no I/O and reads no wall clock (STYLE.md 1, 3).
    files: ['server/sim/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'koa', 'socket.io', 'better-sqlite3', 'cesium', 'three'] }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'sim/ uses the sim clock' },
        { object: 'Math', property: 'random', message: 'sim/ uses the seeded generator' }],
    },
  },
  {
    // The protocol is imported by the browser too: no Node-only API.
    files: ['server/protocol/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'path'] }] },
  },
);
