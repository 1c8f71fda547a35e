import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript sources (the "vtsim-source"
// export condition), so a test run never depends on a stale build.
export default defineConfig({
  resolve: { conditions: ['vtsim-source', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['vtsim-source', 'node', 'import', 'default'], externalConditions: ['vtsim-source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'proto/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
