import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the `@envmgr/source` export condition,
// so tests never run against a stale build.
export default defineConfig({
  resolve: { conditions: ['@envmgr/source'] },
  ssr: { resolve: { conditions: ['@envmgr/source'] } },
  test: {
    // `*.test.tsx` are the web UI's component tests; each names its jsdom environment in a first-line comment
    include: ['{packages,apps,bench}/**/src/**/*.test.ts', '{packages,apps,bench}/**/src/**/*.test.tsx', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
