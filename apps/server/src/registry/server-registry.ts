import { createBuiltinRegistry, startRegistryServer, type BuiltinRegistry, type RegistryServer } from '@envmgr/adapter-registry-builtin';
import { createConsulRegistry } from '@envmgr/adapter-registry-consul';
import type { Registry } from '@envmgr/ports';

/** A node's name and address in the catalog (what an agent registers as). */
export interface RegistryNode {
  name: string;
  address: string;
}

/** The registry the server works with: the target state, catalog and health, and writes on behalf of a node. */
export interface ServerRegistry extends Registry {
  /** The same registry, with agent operations acting for `node` (local compute cleans up after an instance with it). */
  asNode(node: RegistryNode): Registry;
  /** Releases what the registry holds in this process (the built-in one's file, timers and blocking reads). */
  close(): Promise<void>;
}

export interface ServerRegistryChoice {
  registry: ServerRegistry;
  /** Starts what agents talk to: the built-in registry's HTTP server, or nothing (an external registry is already up). */
  serve(opts: { port: number }): Promise<RegistryServer>;
}

/**
 * The built-in registry in `<data dir>/registry.db` (served on loopback for agents), or, with `url`, an external one
 * that speaks Consul's HTTP API and that several EM servers share (docs/aws.md#several-servers). An external
 * registry is reached through the Consul client; node operations send the node in `X-Envmgr-Node`, which the built-in
 * registry honours and Consul ignores (docs/adr/0002-builtin-registry-node-identity.md).
 */
export function chooseServerRegistry(opts: { path: string; url?: string | undefined; token?: string | undefined }): ServerRegistryChoice {
  const { url, token } = opts;
  if (url === undefined) {
    const builtin: BuiltinRegistry = createBuiltinRegistry({ path: opts.path });
    return { registry: builtin, serve: ({ port }) => startRegistryServer({ registry: builtin, host: '127.0.0.1', port }) };
  }
  const base = url.replace(/\/+$/, '');
  const client = (node?: RegistryNode) => createConsulRegistry({ baseUrl: base, ...(token ? { token } : {}), ...(node ? { node } : {}) });
  const registry: ServerRegistry = { ...client(), asNode: (node) => client(node), close: () => Promise.resolve() };
  const served: RegistryServer = { port: Number(new URL(base).port || (base.startsWith('https:') ? 443 : 80)), url: base, close: () => Promise.resolve() };
  return { registry, serve: () => Promise.resolve(served) };
}
