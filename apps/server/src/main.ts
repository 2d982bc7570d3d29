import { serve } from '@hono/node-server';
import { pino } from 'pino';
import { loadConfig } from './config.js';
import { bootstrap, composeServer, serveRegistry } from './compose.js';

const loaded = loadConfig(process.env);
if (!loaded.ok) {
  process.stderr.write(`envmgr: the configuration is invalid:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(2);
}
const { config } = loaded;
const logger = pino({ level: config.logLevel, base: { service: 'envmgr' } });
const server = composeServer(config, logger);
const bootstrapped = await bootstrap(server, config);
const registryServer = await serveRegistry(server, config);
logger.info({ url: registryServer.url }, 'built-in registry is listening');
// printed once, on the console only: the operator needs it to sign in the first time
if (bootstrapped) process.stdout.write(`${bootstrapped}\n`);

// long URLs (cursors, encoded keys) should reach EM and get its 400, not Node's bare 431 at 16 KiB
const http = serve({ fetch: server.app.fetch, hostname: config.host, port: config.port, serverOptions: { maxHeaderSize: 64 * 1024 } }, (info) => {
  logger.info({ url: `http://${config.host}:${info.port}`, dataDir: config.dataDir, store: config.store }, 'Environment Manager is listening');
  process.stdout.write(`Environment Manager listening on http://${config.host}:${info.port} (data in ${config.dataDir}); API docs at /docs\n`);
});

function shutdown(signal: string): void {
  logger.info({ signal }, 'shutting down');
  http.close(() => {
    registryServer.close().then(() => server.close()).then(
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
