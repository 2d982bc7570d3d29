import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { announce, stopOnRequest } from './child-server.js';
import { benchHttpApp, openSqliteStore, tempDir } from './em-deps.js';
import { createChanges, latencyItems, seedContext } from './fixtures.js';

/*
 * EM's HTTP app over a SQLite store holding cluster Infra and 10,000 services, on @hono/node-server at
 * 127.0.0.1 on a free port. Forked by latency.ts; reports its port and the seeding time over IPC.
 */

const dir = await tempDir('envmgr-bench-latency-');
const store = openSqliteStore(join(dir.path, 'config.db'));

const started = performance.now();
await store.commit(createChanges(latencyItems()), seedContext());
const seedMs = performance.now() - started;

const app = benchHttpApp(store);
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => announce(info.port, { seedMs }));

stopOnRequest(async () => {
  server.close();
  await store.close();
  await dir.remove();
});
