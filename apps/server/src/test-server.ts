import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { HttpLogger } from '@envmgr/http';
import { loadConfig } from './config.js';
import { composeServer, type Server } from './compose.js';

export interface RunningServer {
  url: string;
  server: Server;
  dataDir: string;
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

const quiet: HttpLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Starts EM as `npm start` does (SQLite in a temp data dir) on a free loopback port. */
export async function startServer(opts: { dataDir?: string } = {}): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'envmgr-it-')));
  const loaded = loadConfig({ ENVMGR_PORT: '0', ENVMGR_DATA_DIR: dataDir });
  if (!loaded.ok) throw new TypeError(loaded.problems.join('; '));
  const server = composeServer(loaded.config, quiet);
  const http = serve({ fetch: server.app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => http.once('listening', () => resolve()));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    dataDir,
    async stop(o = {}) {
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await server.close();
      if (!o.keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
