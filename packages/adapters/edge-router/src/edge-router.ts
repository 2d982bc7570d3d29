import { Agent, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxyServer } from 'http-proxy-3';
import { registryNamesOf, type RoutingTable } from '@envmgr/domain';
import type { Registry } from '@envmgr/ports';
import type { TrafficStats } from '@envmgr/ports';
import { createBalancer } from './balancer.js';
import { createTrafficCounter } from './traffic-counter.js';
import { createInstanceWatch } from './instance-watch.js';
import { createRequestHandler, createUpgradeHandler } from './request-handler.js';

/** The slice of a structured logger the router writes to. */
export interface EdgeRouterLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface EdgeRouterOptions {
  /** Where registry names resolve to instances: the passing instances of `health/service/<name>`. */
  registry: Registry;
  /** Reads LB settings, upstreams and services into a routing table (a full snapshot each call). */
  loadRoutes: () => Promise<RoutingTable>;
  /**
   * Calls `listener` after every change that may change the routing table (an LB setting, an upstream, a service);
   * returns the function that stops it. Each call makes the router read the routes again.
   */
  subscribeToChanges: (listener: () => void) => () => void;
  /** Address to listen on. @default 127.0.0.1 (loopback only) */
  host?: string;
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Reads the routes again this often even without a change notice (changes made by another EM process). @default 30000 */
  resyncIntervalMs?: number;
  /** Longest wait for an instance's response before answering 502. @default 60000 */
  proxyTimeoutMs?: number;
  /** How long `close` lets requests in flight finish. @default 10000 */
  drainTimeoutMs?: number;
  /** Longest wait of a blocking registry query. @default 300000 */
  registryWaitMs?: number;
  logger?: EdgeRouterLogger;
}

/** What the router routes with now. */
export interface EdgeRouterStatus {
  /** When the routes were last read (ISO 8601). */
  loadedAt: string | undefined;
  /** `<environment>/<vhost>` of each virtual host. */
  vhosts: string[];
  /** Each upstream's hosts: up or down, the slice, and the passing instances found for it. */
  upstreams: { key: string; name: string; hosts: { dnsName: string; port: number; up: boolean; slice: string | undefined; instances: number }[] }[];
  problems: { where: string; message: string }[];
  /** Why the last read of the routes failed (the previous routes stay); undefined when it worked. */
  lastError: string | undefined;
  inFlight: number;
}

export interface EdgeRouter {
  /** `http://<host>:<port>`. */
  url: string;
  port: number;
  /** What it counted of each registry service's answers (for canaries). */
  traffic: TrafficStats;
  status(): EdgeRouterStatus;
  /** Reads the routes now; resolves when the new table is in use. */
  reload(): Promise<void>;
  /** Stops accepting, lets requests in flight finish (up to `drainTimeoutMs`), then closes every connection. */
  close(): Promise<void>;
}

const EMPTY: RoutingTable = { vhosts: [], upstreams: [], problems: [] };

/**
 * The built-in edge router of the embedded mode (SPEC §7, ARCHITECTURE §2 "Traffic"): an HTTP reverse proxy on
 * loopback that routes each virtual host and location of the LB settings to the passing instances of the active
 * slice of its upstream. A switch (a toggle, an instance joining or leaving) applies to requests that arrive after
 * it; requests in flight finish where they were sent, so nothing is cut off.
 */
export async function createEdgeRouter(opts: EdgeRouterOptions): Promise<EdgeRouter> {
  const log = opts.logger;
  let table = EMPTY;
  let loadedAt: string | undefined;
  let lastError: string | undefined;
  let inFlight = 0;
  const watch = createInstanceWatch({
    registry: opts.registry,
    ...(opts.registryWaitMs !== undefined ? { waitMs: opts.registryWaitMs } : {}),
    onError: (name, err) => log?.warn({ name, err }, 'edge router: reading the instances of a registry name failed; retrying'),
  });
  // keep-alive to instances: a request reuses an idle connection to the instance it is sent to; no Nagle delay on
  // small writes (a request's headers, then its body)
  const agent = new Agent({ keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo', noDelay: true });
  const proxy = createProxyServer({});
  const traffic = createTrafficCounter();
  const deps = {
    table: () => table,
    endpoints: (name: string) => watch.endpoints(name),
    proxy,
    agent,
    balancer: createBalancer(),
    proxyTimeoutMs: opts.proxyTimeoutMs ?? 60_000,
    onProxyError: (err: unknown, origin: string) => log?.warn({ err, origin }, 'edge router: an instance failed a request'),
    onAnswer: (name: string, status: number) => traffic.record(name, status),
  };
  const onRequest = createRequestHandler(deps);
  const server: Server = createServer({ noDelay: true }, (req, res) => {
    inFlight++;
    res.once('close', () => inFlight--);
    onRequest(req, res);
  });
  server.on('upgrade', createUpgradeHandler(deps));

  const reload = serialized(async () => {
    try {
      const next = await opts.loadRoutes();
      await watch.follow(registryNamesOf(next));
      if (next.problems.length && JSON.stringify(next.problems) !== JSON.stringify(table.problems)) {
        log?.warn({ problems: next.problems }, 'edge router: some locations cannot be routed');
      }
      table = next;
      loadedAt = new Date().toISOString();
      lastError = undefined;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      log?.error({ err }, 'edge router: reading the routes failed; the previous routes stay in use');
    }
  });
  await reload();
  const unsubscribe = opts.subscribeToChanges(() => void reload());
  const resync = setInterval(() => void reload(), opts.resyncIntervalMs ?? 30_000);
  resync.unref();

  await listen(server, opts.host ?? '127.0.0.1', opts.port).catch((err: unknown) => {
    unsubscribe();
    clearInterval(resync);
    watch.close();
    throw err;
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    traffic,
    reload,
    status: () => ({
      loadedAt,
      vhosts: table.vhosts.map((v) => `${v.environment}/${v.name}`),
      upstreams: table.upstreams.map((u) => ({
        key: u.key,
        name: u.name,
        hosts: u.hosts.map((h) => ({ dnsName: h.dnsName, port: h.port, up: h.up, slice: h.slice, instances: h.registry ? watch.endpoints(h.dnsName).length : 1 })),
      })),
      problems: table.problems,
      lastError,
      inFlight,
    }),
    async close() {
      unsubscribe();
      clearInterval(resync);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + (opts.drainTimeoutMs ?? 10_000);
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      server.closeAllConnections();
      await closed;
      watch.close();
      agent.destroy();
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/**
 * One run at a time; a call during a run asks for one more run after it, and every caller waits for a run that
 * started after its call (so a reload after a change always sees that change).
 */
function serialized(run: () => Promise<void>): () => Promise<void> {
  let current: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  return () => {
    if (!current) {
      current = run().finally(() => (current = undefined));
      return current;
    }
    next ??= current.then(() => {
      next = undefined;
      current = run().finally(() => (current = undefined));
      return current;
    });
    return next;
  };
}
