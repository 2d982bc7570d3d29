import { serve } from '@hono/node-server';
import { loadConfig } from './config.js';
import { bootstrap, composeServer, serveRegistry } from './compose.js';
import { createLogger } from './observability/logging.js';
import { startConfiguredCompute } from './start-compute.js';
import { startEdgeRouter } from './edge.js';

const loaded = loadConfig(process.env);
if (!loaded.ok) {
  process.stderr.write(`envmgr: the configuration is invalid:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(2);
}
const { config } = loaded;
// secrets are redacted by path in every line (docs/observability.md)
const logger = createLogger({ level: config.logLevel });
const { server, bootstrapped, registryServer, edge } = await start().catch((err: unknown) => {
  // a taken port or data directory locked by another EM: say so in one line, not with a stack trace
  process.stderr.write(`envmgr: cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
  logger.debug({ err }, 'start-up failed');
  process.exit(1);
});

async function start() {
  const server = composeServer(config, logger);
  const bootstrapped = await bootstrap(server, config);
  const registryServer = await serveRegistry(server, config);
  const edge = await startEdgeRouter(server, config, logger);
  return { server, bootstrapped, registryServer, edge };
}
logger.info({ url: registryServer.url }, config.registryUrl === undefined ? 'built-in registry is listening' : 'using the external registry');
if (edge) logger.info({ url: edge.url }, 'edge router is listening');
// printed once, on the console only: the operator needs it to sign in the first time
if (bootstrapped) process.stdout.write(`${bootstrapped}\n`);

// long URLs (cursors, encoded keys) should reach EM and get its 400, not Node's bare 431 at 16 KiB
let stopCompute: () => Promise<void> = () => Promise.resolve();
const http = serve({ fetch: server.app.fetch, hostname: config.host, port: config.port, serverOptions: { maxHeaderSize: 64 * 1024 } }, (info) => {
  logger.info({ url: `http://${config.host}:${info.port}`, dataDir: config.dataDir, store: config.store }, 'Environment Manager is listening');
  process.stdout.write(`Environment Manager listening on http://${config.host}:${info.port} (data in ${config.dataDir}); API docs at /docs\n`);
  if (edge) process.stdout.write(`Edge router on ${edge.url}: LB settings' virtual hosts, e.g. http://<vhost>.<environment>.localhost:${edge.port}/ (docs/traffic.md)\n`);
  const api = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${info.port}`;
  startConfiguredCompute(server, config, { api, registry: registryServer.url }, logger).then(
    (compute) => {
      stopCompute = () => compute.close();
      if (server.startScheduler()) logger.info({ mode: config.scheduler, intervalMs: config.schedulerIntervalMs }, 'scheduler is running');
    },
    (err: unknown) => logger.error({ err }, 'local compute did not start; instances will not be managed'),
  );
});

function shutdown(signal: string): void {
  logger.info({ signal }, 'shutting down');
  http.close(() => {
    // instances keep running while EM is down; the next start re-adopts them
    // the edge router first lets requests in flight finish, while the instances still run
    (edge ? edge.close() : Promise.resolve()).then(() => server.stopScheduler()).then(() => server.stopDriver()).then(() => stopCompute()).then(() => registryServer.close()).then(() => server.close()).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'closing the store failed');
        process.exit(1);
      },
    );
  });
}
process.once('SIGINT', () => shutdown('SIGINT'));
process.once('SIGTERM', () => shutdown('SIGTERM'));

http.on('error', (err: NodeJS.ErrnoException) => {
  process.stderr.write(`envmgr: cannot listen on ${config.host}:${config.port}: ${err.code === 'EADDRINUSE' ? 'the port is in use (set ENVMGR_PORT)' : err.message}\n`);
  process.exit(1);
});
