import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    exclude: ['test/xs/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Results feed `npm run status` (docs/STATUS.md).
    reporters: ['default', ['json', { outputFile: '.results/node.json' }]],
  },
});
