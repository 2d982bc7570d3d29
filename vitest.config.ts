import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the `@envmgr/source` export condition,
// so tests never run against a stale build.
export default defineConfig({
  resolve: { conditions: ['@envmgr/source'] },
  ssr: { resolve: { conditions: ['@envmgr/source'] } },
  test: {
    include: ['{packages,apps,bench}/**/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
