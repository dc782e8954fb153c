import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // Suites that build tiles share one machine of 2 cores: run files one after another.
    fileParallelism: false,
  },
});
