import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { announce, stopOnRequest } from './child-server.js';

/*
 * The webhook receivers of the notifications benchmark: one HTTP server on 127.0.0.1 that answers every POST with
 * 204 once it has read the body, whatever the path (each subscription has its own path). In its own process, so that
 * receiving costs neither the server under test nor the load generator. Forked by notifications.ts.
 */

let received = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received += 1;
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => announce((server.address() as AddressInfo).port));

stopOnRequest(async () => {
  process.stdout.write(`serve-receivers: ${received} webhooks received\n`);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
