import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import type { HttpLogger } from '@envmgr/http';
import { loadConfig } from './config.js';
import { bootstrap, composeServer, serveRegistry, type Server } from './compose.js';
import { startLocalCompute } from './local-compute.js';
import type { LocalCompute } from '@envmgr/adapter-compute-local';
import type { EdgeRouter } from '@envmgr/adapter-edge-router';
import { startEdgeRouter } from './edge.js';

export const TEST_ADMIN_PASSWORD = 'test-admin-password-1';

export interface RunningServer {
  url: string;
  /** A bearer token of the admin user. */
  token: string;
  /** fetch with the admin's bearer token. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  server: Server;
  dataDir: string;
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

const quiet: HttpLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Starts EM as `npm start` does (SQLite in a temp data dir) on a free loopback port. */
export async function startServer(opts: { dataDir?: string; port?: number; env?: Record<string, string> } = {}): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'envmgr-it-')));
  const loaded = loadConfig({ ENVMGR_PORT: '0', ENVMGR_DATA_DIR: dataDir, ENVMGR_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD, ...opts.env });
  if (!loaded.ok) throw new TypeError(loaded.problems.join('; '));
  const server = composeServer(loaded.config, quiet);
  await bootstrap(server, loaded.config);
  const http = serve({ fetch: server.app.fetch, hostname: '127.0.0.1', port: opts.port ?? 0 });
  await new Promise<void>((resolve) => http.once('listening', () => resolve()));
  const { port } = http.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const login = await signIn(url);
  const { token } = (await login.json()) as { token: string };
  return {
    url,
    token,
    fetch: (path, init = {}) => fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) } }),
    server,
    dataDir,
    async stop(o = {}) {
      if ('closeAllConnections' in http) http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await server.close();
      if (!o.keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs the admin in; retried once, since a connection kept alive to a server stopped on this port fails first. */
async function signIn(url: string): Promise<Response> {
  const attempt = () =>
    fetch(`${url}/api/v1/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }) });
  return attempt().catch(attempt);
}

export interface FullServer extends RunningServer {
  compute: LocalCompute;
  registryUrl: string;
  registryPort: number;
  port: number;
  /** The built-in edge router, on a free loopback port unless ENVMGR_EDGE_PORT says otherwise (`off`: none). */
  edge: EdgeRouter | undefined;
}

/**
 * Like `startServer`, plus the registry and local compute running the built agent. Give the ports and data dir of
 * a stopped one to restart it as EM restarts: its agents keep the addresses they were started with.
 */
export async function startFullServer(opts: { dataDir?: string; port?: number; registryPort?: number; env?: Record<string, string> } = {}): Promise<FullServer> {
  const base = await startServer({ ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), ...(opts.port ? { port: opts.port } : {}), ...(opts.env ? { env: opts.env } : {}) });
  const port = Number(new URL(base.url).port);
  const loaded = loadConfig({
    ENVMGR_PORT: String(port),
    ENVMGR_REGISTRY_PORT: String(opts.registryPort ?? 0),
    ENVMGR_DATA_DIR: base.dataDir,
    // the test machine's free disk is not what these tests are about
    ENVMGR_AGENT_MIN_FREE_DISK_MB: '1',
    ENVMGR_EDGE_PORT: '0',
    ...opts.env,
  });
  if (!loaded.ok) throw new TypeError(loaded.problems.join('; '));
  const registry = await serveRegistry(base.server, loaded.config);
  const compute = await startLocalCompute(base.server, loaded.config, { api: base.url, registry: registry.url }, quiet);
  const edge = await startEdgeRouter(base.server, loaded.config, quiet);
  return {
    ...base,
    compute,
    registryUrl: registry.url,
    registryPort: registry.port,
    port,
    edge,
    async stop(o = {}) {
      await edge?.close();
      await base.server.stopDriver();
      await compute.close();
      await registry.close();
      await base.stop(o);
    },
  };
}

/**
 * Polls `probe` until it returns a value (errors count as "not yet") and returns it; throws after `timeoutMs`,
 * adding what `lastSeen` reports to the message so that a timeout shows how far things got.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  opts: { timeoutMs?: number; intervalMs?: number; lastSeen?: () => unknown } = {},
): Promise<T> {
  const until = Date.now() + (opts.timeoutMs ?? 90_000);
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) {
      const last = opts.lastSeen?.();
      throw new TypeError(`timed out waiting for ${what}${last !== undefined ? `; last seen: ${JSON.stringify(last).slice(0, 3000)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
}

/** A built EM server running as its own process (`apps/server/bin/envmgr-server.js`), for tests of several servers. */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/**
 * Starts the built server as a child process with exactly `env` (plus PATH) and resolves with its URL once it says it
 * listens; rejects with its output when it exits first or does not listen within a minute.
 */
export async function spawnServerProcess(env: Record<string, string>, name = 'server'): Promise<ServerProcess> {
  const bin = fileURLToPath(new URL('../bin/envmgr-server.js', import.meta.url));
  const child = spawn(process.execPath, [bin], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env } });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new TypeError(`${name} exited (${code}): ${out}`))));
  exited.catch(() => undefined);
  const listening = waitFor(`${name} to listen`, async () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1], { timeoutMs: 60_000, lastSeen: () => out });
  const url = await Promise.race([listening, exited]);
  return { child, url, output: () => out };
}
