import { defineConfig } from 'vitest/config';

// The fast suite, run by `npm test` and CI. Slow suites (soak, 100-point crash tests, 1,000-seed
// fuzz) live in test/slow/ and run only with `npm run test:slow`.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/slow/**', 'node_modules/**', 'dist/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
