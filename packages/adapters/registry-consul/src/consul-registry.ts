import { DependencyUnavailableError, NotFoundError, RegistryValueTooLargeError, ValidationError } from '@envmgr/domain';
import {
  REGISTRY_MAX_VALUE_BYTES,
  assertRegistration,
  assertRegistryKey,
  assertRegistryValueSize,
  utf8Length,
  type Registry,
} from '@envmgr/ports';
import { blockingGet, failure, indexOf, send, type ConsulResponse, type HttpSettings } from './consul-http.js';
import {
  parseCatalogService,
  parseChecks,
  parseHealthService,
  parseKeys,
  parseKvEntries,
  parseNodes,
  parseServiceSummaries,
  toConsulRegistration,
} from './consul-json.js';

export interface ConsulRegistryOptions {
  /** Consul's HTTP API (or the built-in registry's), e.g. `http://127.0.0.1:8500`. */
  baseUrl: string;
  /**
   * The node this client's agent operations act for. Sent on every request as `X-Envmgr-Node` and
   * `X-Envmgr-Node-Address`: the built-in registry, serving many nodes, registers services and checks on that node;
   * Consul ignores the headers and acts on its local agent's node (docs/adr/0002-builtin-registry-node-identity.md).
   * Omitted: the built-in registry uses its own node.
   */
  node?: { name: string; address?: string };
  /** ACL token, sent as `X-Consul-Token`. The built-in registry ignores it. */
  token?: string;
  /**
   * How long a non-blocking request may take before it fails with `DependencyUnavailableError`.
   * @default 10000
   */
  requestTimeoutMs?: number;
  /** The fetch to use. @default globalThis.fetch */
  fetch?: typeof fetch;
}

function parseJson(res: ConsulResponse, what: string): unknown {
  if (res.text === '') return null;
  try {
    return JSON.parse(res.text) as unknown;
  } catch (err) {
    throw new DependencyUnavailableError(`the registry answered ${what} with a body that is not JSON`, {}, { cause: err });
  }
}
const kvPath = (key: string): string => `v1/kv/${key.split('/').map(encodeURIComponent).join('/')}`;
const seg = (s: string): string => encodeURIComponent(s);

/**
 * A Registry over Consul's HTTP API with the global fetch, used by the EM server and the deployment agent alike,
 * against Consul or the built-in registry. Keys, values and registrations are checked before anything is sent;
 * network failures, timeouts, 5xx and refused tokens become `DependencyUnavailableError` (cause kept), 400 becomes
 * `ValidationError`.
 */
export function createConsulRegistry(opts: ConsulRegistryOptions): Registry {
  const http: HttpSettings = {
    baseUrl: opts.baseUrl,
    token: opts.token,
    node: opts.node,
    requestTimeoutMs: opts.requestTimeoutMs ?? 10_000,
    fetch: opts.fetch ?? globalThis.fetch,
  };

  /** Parses a read's JSON, mapping 404 (which carries an index) to `empty`. */
  function read<T>(res: ConsulResponse, what: string, parse: (body: unknown) => T, empty: T): { index: number; value: T } {
    if (res.status === 404) return { index: indexOf(res, what), value: empty };
    if (res.status !== 200) throw failure(res, what);
    return { index: indexOf(res, what), value: parse(parseJson(res, what)) };
  }

  function wrote(res: ConsulResponse, what: string): boolean {
    if (res.status !== 200) throw failure(res, what);
    return res.text.trim() === 'true';
  }

  async function updateCheck(checkId: string, verb: 'pass' | 'warn' | 'fail', note: string | undefined): Promise<void> {
    const res = await send(http, { method: 'PUT', path: `v1/agent/check/${verb}/${seg(checkId)}`, query: { note } });
    if (res.status === 200) return;
    // Consul answers 404 for an unknown check id and, before 1.17, 500 for a check that is not a TTL check
    if (res.status === 404 || (res.status === 500 && res.text.includes('does not have associated TTL'))) {
      throw new NotFoundError('TTL check', checkId);
    }
    throw failure(res, `a TTL report for check '${checkId}'`);
  }

  return {
    async kvGet(key, o = {}) {
      assertRegistryKey(key);
      const res = await blockingGet(http, kvPath(key), {}, o);
      const { index, value } = read(res, `the read of key '${key}'`, parseKvEntries, []);
      return { index, value: value[0] };
    },
    async kvList(prefix, o = {}) {
      assertRegistryKey(prefix, { allowEmpty: true });
      return read(await blockingGet(http, kvPath(prefix), { recurse: true }, o), `the list of '${prefix}'`, parseKvEntries, []);
    },
    async kvKeys(prefix, o = {}) {
      assertRegistryKey(prefix, { allowEmpty: true });
      const res = await blockingGet(http, kvPath(prefix), { keys: true, separator: o.separator }, o);
      return read(res, `the keys of '${prefix}'`, parseKeys, []);
    },
    async kvPut(key, value, o = {}) {
      assertRegistryKey(key);
      assertRegistryValueSize(key, value);
      const res = await send(http, { method: 'PUT', path: kvPath(key), query: { cas: o.cas, flags: o.flags }, body: value });
      if (res.status === 413) throw new RegistryValueTooLargeError(key, utf8Length(value), REGISTRY_MAX_VALUE_BYTES);
      return wrote(res, `the write of key '${key}'`);
    },
    async kvDelete(key, o = {}) {
      assertRegistryKey(key, { allowEmpty: o.recurse === true });
      if (o.recurse && o.cas !== undefined) {
        throw new ValidationError([{ path: 'cas', message: 'a recursive delete cannot be a check-and-set; drop recurse or cas' }]);
      }
      const res = await send(http, { method: 'DELETE', path: kvPath(key), query: { recurse: o.recurse, cas: o.cas } });
      return wrote(res, `the delete of key '${key}'`);
    },

    async catalogServices(o = {}) {
      return read(await blockingGet(http, 'v1/catalog/services', {}, o), 'the service list', parseServiceSummaries, []);
    },
    async catalogService(name, o = {}) {
      const res = await blockingGet(http, `v1/catalog/service/${seg(name)}`, {}, o);
      return read(res, `the catalog of service '${name}'`, parseCatalogService, []);
    },
    async catalogNodes(o = {}) {
      return read(await blockingGet(http, 'v1/catalog/nodes', {}, o), 'the node list', parseNodes, []);
    },
    async healthService(name, o = {}) {
      const res = await blockingGet(http, `v1/health/service/${seg(name)}`, { passing: o.passing }, o);
      return read(res, `the health of service '${name}'`, parseHealthService, []);
    },
    async healthNode(node, o = {}) {
      return read(await blockingGet(http, `v1/health/node/${seg(node)}`, {}, o), `the health of node '${node}'`, parseChecks, []);
    },

    async registerService(reg) {
      assertRegistration(reg);
      // replace-existing-checks makes a registration the whole set of the service's checks, as the port promises
      const res = await send(http, {
        method: 'PUT',
        path: 'v1/agent/service/register',
        query: { 'replace-existing-checks': true },
        body: JSON.stringify(toConsulRegistration(reg)),
      });
      if (res.status !== 200) throw failure(res, `the registration of service '${reg.id}'`);
    },
    async deregisterService(serviceId) {
      const res = await send(http, { method: 'PUT', path: `v1/agent/service/deregister/${seg(serviceId)}` });
      if (res.status === 404) return false;
      if (res.status !== 200) throw failure(res, `the deregistration of service '${serviceId}'`);
      return true;
    },
    passCheck: (checkId, note) => updateCheck(checkId, 'pass', note),
    warnCheck: (checkId, note) => updateCheck(checkId, 'warn', note),
    failCheck: (checkId, note) => updateCheck(checkId, 'fail', note),
    async setServiceMaintenance(serviceId, enable, reason) {
      const res = await send(http, {
        method: 'PUT',
        path: `v1/agent/service/maintenance/${seg(serviceId)}`,
        query: { enable: String(enable), reason: enable ? reason : undefined },
      });
      if (res.status === 404) throw new NotFoundError('service', serviceId);
      if (res.status !== 200) throw failure(res, `maintenance of service '${serviceId}'`);
    },
  };
}

