import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript sources (the "vtsim-source"
// export condition), so a test run never depends on a stale build.
export default defineConfig({
  resolve: { conditions: ['vtsim-source', 'module', 'node', 'development|production'] },
  ssr: { resolve: { conditions: ['vtsim-source', 'module', 'node', 'development|production'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'proto/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
