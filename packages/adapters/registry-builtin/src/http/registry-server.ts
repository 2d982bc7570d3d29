import { serve, type HttpBindings } from '@hono/node-server';
import { DependencyUnavailableError } from '@envmgr/domain';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { engineOf, type BuiltinRegistry } from '../builtin-registry.js';
import type { NodeIdentity } from '../engine/agent-writes.js';
import { registerAgentRoutes } from './agent-routes.js';
import { registerCatalogRoutes } from './catalog-routes.js';
import { consulErrorResponse, type RegistryApp } from './http-support.js';
import { registerKvRoutes } from './kv-routes.js';

export interface RegistryServerOptions {
  registry: BuiltinRegistry;
  /** Loopback by default: the registry has no ACLs, so it must not be reachable from other machines. @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port (tests). The server's composition root sets ENVMGR_REGISTRY_PORT, default 8500. */
  port: number;
  /**
   * The node of agent requests that do not name one with `X-Envmgr-Node`, as a plain Consul client talks to its
   * local agent. @default { name: 'envmgr', address: '127.0.0.1' }
   */
  node?: NodeIdentity;
}

export interface RegistryServer {
  /** The port it listens on (the real one when 0 was asked). */
  port: number;
  /** `http://<host>:<port>`, the `baseUrl` for createConsulRegistry. */
  url: string;
  /** Stops listening and ends open connections, pending blocking reads included; the registry stays open. */
  close(): Promise<void>;
}

/** The Hono app serving the Consul HTTP API subset of ARCHITECTURE §4 over a built-in registry. */
export function createRegistryApp(registry: BuiltinRegistry, opts: { node?: NodeIdentity } = {}): RegistryApp {
  const engine = engineOf(registry);
  const own = opts.node ?? { name: 'envmgr', address: '127.0.0.1' };
  const app: RegistryApp = new Hono<{ Bindings: HttpBindings }>();
  registerKvRoutes(app, engine);
  registerCatalogRoutes(app, engine);
  registerAgentRoutes(
    app,
    (node) => (node.name === own.name && node.address === own.address ? registry : registry.asNode(node)),
    own,
    (c) => (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket.remoteAddress,
  );
  app.notFound((c) => c.text(`no such endpoint in the built-in registry: ${c.req.method} ${new URL(c.req.url).pathname}`, 404));
  app.onError((err, c) => consulErrorResponse(err, c));
  return app;
}

/**
 * Serves a built-in registry over Consul's HTTP API with @hono/node-server. Resolves once listening; fails with
 * `DependencyUnavailableError` when the port is taken.
 */
export async function startRegistryServer(opts: RegistryServerOptions): Promise<RegistryServer> {
  const host = opts.host ?? '127.0.0.1';
  const app = createRegistryApp(opts.registry, { node: opts.node });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: opts.port }, () => resolve(s as Server));
    s.once('error', (err) =>
      reject(new DependencyUnavailableError(`the built-in registry cannot listen on ${host}:${opts.port}: is the port taken? set ENVMGR_REGISTRY_PORT to a free one`, { host, port: opts.port }, { cause: err })),
    );
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
