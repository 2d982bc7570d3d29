import { createServer } from 'node:http';
import { announce, stopOnRequest } from './child-server.js';

/*
 * A service instance for the router benchmark: plain node:http answering GET / with a small JSON body of the shape
 * the example service sends (examples/hello-service/src/server.mjs), on 127.0.0.1 at a free port. Requests sent to
 * it directly are the baseline; the same requests through the edge router are what is measured.
 */

const startedAt = new Date().toISOString();
const server = createServer((_req, res) => {
  const text = `${JSON.stringify({ service: 'Hello', version: '1.0.0', slice: 'blue', deploymentId: 'bench', pid: process.pid, startedAt })}\n`;
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  announce(typeof address === 'object' && address ? address.port : 0);
});

stopOnRequest(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
