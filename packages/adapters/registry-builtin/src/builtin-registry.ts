import { ValidationError } from '@envmgr/domain';
import {
  assertRegistration,
  assertRegistryKey,
  assertRegistryValueSize,
  type CatalogNode,
  type Clock,
  type HealthCheck,
  type Registry,
  type ServiceInstance,
} from '@envmgr/ports';
import type { NodeIdentity } from './engine/agent-writes.js';
import type { CheckRecord, NodeRecord, ServiceRecord } from './engine/catalog-rows.js';
import { createEngine, type Engine } from './engine/engine.js';
import type { KvRecord } from './engine/kv-engine.js';
import { realTimers, type Timers } from './engine/watchers.js';

export interface BuiltinRegistryOptions {
  /** The SQLite file; created when missing. One process holds it at a time (a second open fails). */
  path: string;
  /**
   * The node this registry's own agent operations act for (the EM server's node), and the node of HTTP requests
   * that do not name one.
   * @default { name: 'envmgr', address: '127.0.0.1' }
   */
  node?: NodeIdentity;
  /** Wall-clock time for TTL deadlines and waits. @default Date.now */
  clock?: Clock;
  /** Timers for TTL expiry and waits. @default Node's setTimeout, unref'd */
  timers?: Timers;
}

/** The built-in registry: the Registry port, a view per node, and `close`. */
export interface BuiltinRegistry extends Registry {
  /** The same registry, with agent operations acting for `node` (its address is recorded in the catalog). */
  asNode(node: NodeIdentity): Registry;
  /** Stops TTL timers, returns pending blocking reads with their current result, and closes the file. */
  close(): Promise<void>;
}

const engines = new WeakMap<Registry, Engine>();

/** The engine behind a built-in registry, for this package's HTTP server. */
export function engineOf(registry: BuiltinRegistry): Engine {
  const engine = engines.get(registry);
  if (!engine) throw new TypeError('not a registry made by createBuiltinRegistry');
  return engine;
}

export const toKvEntry = (r: KvRecord) => ({
  key: r.key,
  value: r.value.toString('utf8'),
  flags: r.flags,
  createIndex: r.createIndex,
  modifyIndex: r.modifyIndex,
  lockIndex: 0,
});
const toNode = (n: NodeRecord): CatalogNode => ({ node: n.node, address: n.address });
const toInstance = (s: ServiceRecord): ServiceInstance => ({ id: s.id, name: s.name, tags: s.tags, address: s.address, port: s.port, meta: s.meta });
const toCheck = (c: CheckRecord): HealthCheck => ({
  node: c.node,
  checkId: c.id,
  name: c.name,
  status: c.status,
  output: c.output,
  notes: c.notes,
  serviceId: c.serviceId,
  serviceName: c.serviceName,
  type: c.type,
  definition: c.definition,
});

function nodeView(engine: Engine, node: NodeIdentity): Registry {
  const { kv, catalog, agent, block } = engine;
  return {
    async kvGet(key, o = {}) {
      assertRegistryKey(key);
      const r = await block({ kind: 'key', key }, () => kv.get(key), o);
      return { index: r.index, value: r.value && toKvEntry(r.value) };
    },
    async kvList(prefix, o = {}) {
      assertRegistryKey(prefix, { allowEmpty: true });
      const r = await block({ kind: 'prefix', prefix }, () => kv.list(prefix), o);
      return { index: r.index, value: r.value.map(toKvEntry) };
    },
    async kvKeys(prefix, o = {}) {
      assertRegistryKey(prefix, { allowEmpty: true });
      return block({ kind: 'prefix', prefix }, () => kv.keys(prefix, o.separator), o);
    },
    async kvPut(key, value, o = {}) {
      assertRegistryKey(key);
      assertRegistryValueSize(key, value);
      return kv.put(key, Buffer.from(value, 'utf8'), o);
    },
    async kvDelete(key, o = {}) {
      assertRegistryKey(key, { allowEmpty: o.recurse === true });
      if (o.recurse && o.cas !== undefined) {
        throw new ValidationError([{ path: 'cas', message: 'a recursive delete cannot be a check-and-set; drop recurse or cas' }]);
      }
      return kv.delete(key, o);
    },

    async catalogServices(o = {}) {
      return block({ kind: 'services' }, () => catalog.services(), o);
    },
    async catalogService(name, o = {}) {
      const r = await block({ kind: 'service', name }, () => catalog.service(name), o);
      return { index: r.index, value: r.value.map((e) => ({ node: toNode(e.node), service: toInstance(e.service) })) };
    },
    async catalogNodes(o = {}) {
      const r = await block({ kind: 'nodes' }, () => catalog.nodes(), o);
      return { index: r.index, value: r.value.map(toNode) };
    },
    async healthService(name, o = {}) {
      const r = await block({ kind: 'service', name }, () => catalog.health(name, o.passing === true), o);
      return { index: r.index, value: r.value.map((e) => ({ node: toNode(e.node), service: toInstance(e.service), checks: e.checks.map(toCheck) })) };
    },
    async healthNode(name, o = {}) {
      const r = await block({ kind: 'node', node: name }, () => catalog.nodeHealth(name), o);
      return { index: r.index, value: r.value.map(toCheck) };
    },

    async registerService(reg) {
      assertRegistration(reg);
      agent.register(node, reg);
    },
    async deregisterService(serviceId) {
      return agent.deregister(node.name, serviceId);
    },
    passCheck: async (checkId, note) => agent.report(node.name, checkId, 'passing', note ?? ''),
    warnCheck: async (checkId, note) => agent.report(node.name, checkId, 'warning', note ?? ''),
    failCheck: async (checkId, note) => agent.report(node.name, checkId, 'critical', note ?? ''),
    async setServiceMaintenance(serviceId, enable, reason) {
      agent.maintenance(node.name, serviceId, enable, reason);
    },
  };
}

/**
 * The built-in registry: Consul's KV, catalog and health semantics over one SQLite file (see engine/schema.ts),
 * served over Consul's HTTP API by `startRegistryServer`. Blocking reads are woken by this process's writes;
 * TTL checks expire on a timer, and deadlines that passed while it was closed expire on open. Throws
 * `DependencyUnavailableError` when the file cannot be opened or is held by another process, `CorruptDataError`
 * when it is not a registry database.
 */
export function createBuiltinRegistry(opts: BuiltinRegistryOptions): BuiltinRegistry {
  const engine = createEngine({ path: opts.path, clock: opts.clock ?? { now: () => Date.now() }, timers: opts.timers ?? realTimers });
  const own = nodeView(engine, opts.node ?? { name: 'envmgr', address: '127.0.0.1' });
  const registry: BuiltinRegistry = {
    ...own,
    asNode: (node) => nodeView(engine, node),
    async close() {
      engine.close();
    },
  };
  engines.set(registry, engine);
  return registry;
}
