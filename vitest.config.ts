import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 600_000,
    projects: [
      {
        // Server and client units: two files at a time, one per core.
        extends: true,
        test: {
          name: 'unit',
          include: ['test/server/**/*.test.ts', 'test/client/**/*.test.ts'],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Browser suites each start a server and a Chromium drawing through SwiftShader, which
        // wants both cores: one file at a time, after the units (so the client build of
        // ensureClientBuilt.test.ts is not rebuilt under a running browser).
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
