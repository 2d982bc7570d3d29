// The Hello example service: plain node:http, no dependencies.
// GET / answers with the service's name and version; GET /health with 200 (or 503 in the never-healthy variant).
// It listens on EM_SERVICE_PORT, the port the deployment agent gives it (SPEC §6), on 127.0.0.1 unless HELLO_HOST says otherwise.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { setTimeout } from 'node:timers';

const build = JSON.parse(readFileSync(new URL('./build.json', import.meta.url), 'utf8'));
const port = Number(process.env.EM_SERVICE_PORT ?? process.env.PORT ?? 8080);
const host = process.env.HELLO_HOST ?? '127.0.0.1';
const startedAt = new Date().toISOString();
// the degrading variant answers its first requests to / and then fails them, and its health check with them
let served = 0;
const degraded = () => build.failAfterRequests !== undefined && served > build.failAfterRequests;

function send(res, status, body) {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' });
    return res.end();
  }
  if (path === '/') {
    served += 1;
    if (degraded()) return send(res, 500, { service: build.service, version: build.version, error: `this is the degrading example variant: it fails every request after its first ${build.failAfterRequests}` });
    return send(res, 200, {
      service: build.service,
      version: build.version,
      slice: process.env.EM_SERVICE_SLICE ?? 'none',
      deploymentId: process.env.DEPLOYMENT_ID ?? null,
      pid: process.pid,
      startedAt,
    });
  }
  if (path === '/health') {
    if (build.healthy && !degraded()) return send(res, 200, { status: 'passing', version: build.version });
    return send(res, 503, { status: 'critical', version: build.version, reason: 'this is the never-healthy example variant' });
  }
  return send(res, 404, { error: `no route ${path}; try / or /health` });
});

server.on('error', (err) => {
  console.error(`${build.service} ${build.version} cannot listen on ${host}:${port}: ${err.message}`);
  process.exit(1);
});
server.listen(port, host, () => console.log(`${build.service} ${build.version} listening on http://${host}:${port}`));

function stop(signal) {
  console.log(`${build.service} ${build.version} stopping (${signal})`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 3000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
