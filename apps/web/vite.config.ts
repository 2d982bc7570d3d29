import type { UserConfig } from 'vite';

// Everything is bundled from this origin (no CDN): the EM server serves dist/ at `/`. api-contract is bundled from
// its TypeScript sources, so the UI never waits for (or runs against a stale) `tsc -b` build. JSX is compiled by
// Vite's own transform (the automatic runtime, from tsconfig's `jsx`), so this file needs no plugin at run time:
// build tools stay devDependencies (see .dependency-cruiser.cjs, no-dev-dependency-in-production).
const config: UserConfig = {
  root: import.meta.dirname,
  base: '/',
  resolve: { conditions: ['@envmgr/source', 'module', 'browser', 'development|production'] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, assetsInlineLimit: 0, chunkSizeWarningLimit: 1024 },
  // `npm run dev -w @envmgr/web` serves the UI with hot reload against a server on the default port
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
};

export default config;
