import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'hono';
import { createSqliteConfigStore } from '@envmgr/adapter-config-sqlite';
import { createMemoryConfigStore } from '@envmgr/adapter-memory';
import { createHttpApp, type App, type HttpLogger } from '@envmgr/http';
import type { ConfigStore } from '@envmgr/ports';
import type { ServerConfig } from './config.js';

export interface Server {
  app: App;
  store: ConfigStore;
  close(): Promise<void>;
}

/** The composition root: the only place that picks and builds adapters. */
export function composeServer(config: ServerConfig, logger: HttpLogger): Server {
  const store = buildStore(config);
  const app = createHttpApp({
    config: {
      store,
      clock: { now: () => Date.now() },
      hasher: { sha256: (text) => createHash('sha256').update(text).digest('hex') },
    },
    ids: { next: () => randomUUID() },
    logger,
    // identity arrives with the access-control work; until then every request acts as one local operator
    authenticate: (_c: Context) => Promise.resolve({ name: 'anonymous' }),
    maxBodyBytes: config.maxBodyBytes,
  });
  return { app, store, close: () => store.close() };
}

function buildStore(config: ServerConfig): ConfigStore {
  switch (config.store) {
    case 'memory':
      return createMemoryConfigStore();
    case 'sqlite':
      mkdirSync(config.dataDir, { recursive: true });
      return createSqliteConfigStore({ path: join(config.dataDir, 'envmgr.db') });
  }
}
