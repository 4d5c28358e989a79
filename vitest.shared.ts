import { defineConfig } from 'vitest/config';

/**
 * Shared vitest settings for every workspace package. Each package's `vitest.config.ts`
 * re-exports this, so tests run with the package directory as root.
 *
 * The `@bayesrnn/source` condition makes workspace imports resolve to `src/*.ts`, so tests
 * and typechecks never need a prior build.
 */
export default defineConfig({
  resolve: { conditions: ['@bayesrnn/source'] },
  ssr: { resolve: { conditions: ['@bayesrnn/source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['../../vitest.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report feeds scripts/test-summary.mjs (one closing line for the whole repo).
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
    // tfjs keeps one global engine per process; files in one worker would share it.
    pool: 'forks',
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
