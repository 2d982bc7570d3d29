/**
 * The service registry, in Consul's terms: a key/value store with blocking reads (the target state of deployments
 * and the per-node status), a catalog of nodes and services, and health checks. The EM server (deployment driver)
 * and the deployment agent both use this one interface, so the same code runs against the built-in registry and
 * against Consul. Keys, limits and index rules: ./registry-rules.ts.
 */

/** Consul's health states. `passing` is the only healthy one; `?passing` filters out `warning` too. */
export type CheckStatus = 'passing' | 'warning' | 'critical';

/** A result with the registry index it was read at (Consul's `X-Consul-Index`), always ≥ 1. */
export interface Indexed<T> {
  index: number;
  value: T;
}

/**
 * How a read may block (Consul's blocking query). Without `index` (or with 0) the read returns at once.
 *
 * With `index`, the read returns as soon as its own result's index is greater than `index`, or after `waitMs`
 * with the current result, whose index may then equal `index`. A return is no proof of change: callers compare.
 * Each query has its own index (the highest index that changed what it reads: a key, a prefix, a service, a node),
 * so writes elsewhere do not wake it. Feed each returned index through `nextBlockingIndex` before the next read.
 * An index greater than the current one (the registry was reset) returns at once from the built-in registry, while
 * Consul waits out `waitMs`; either way the returned, smaller index makes `nextBlockingIndex` restart the loop.
 */
export interface ReadOptions {
  /** Block until the result's index exceeds this one. */
  index?: number;
  /**
   * Longest time to block when `index` is set, in ms. Values above 600 000 are capped (Consul's 10 minutes).
   * @default 300000
   */
  waitMs?: number;
  /** Ends the wait early: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** One key/value pair with Consul's indexes. */
export interface KvEntry {
  key: string;
  /**
   * The value as UTF-8 text. Consul cannot tell an empty value from a missing one (both read as null on its wire),
   * so an empty value reads back as ''.
   */
  value: string;
  /** An opaque unsigned integer stored with the value (Consul's `Flags`). @default 0 */
  flags: number;
  /** Index of the write that created the key (kept across updates, reset by delete + put). */
  createIndex: number;
  /** Index of the last write of the key: the `cas` value that updates it. */
  modifyIndex: number;
  /** Times a session lock was acquired on the key; sessions are not part of this port, so always 0 here. */
  lockIndex: number;
}

export interface KvKeysOptions extends ReadOptions {
  /**
   * List keys only up to and including the first separator after the prefix, once each (Consul's `separator`), e.g.
   * prefix `a/` with `/` turns `a/b/c`, `a/b/d`, `a/e` into `a/b/`, `a/e`. Omitted: every key under the prefix.
   */
  separator?: string;
}

export interface KvPutOptions {
  /**
   * Check-and-set: write only when the key's `modifyIndex` equals this; 0 writes only when the key does not exist.
   * Omitted: write unconditionally.
   */
  cas?: number;
  /** Stored with the value. An unsigned integer ≤ 2^53 − 1. @default 0 */
  flags?: number;
}

export interface KvDeleteOptions {
  /** Delete every key starting with `key` (a prefix; '' deletes all). Cannot be combined with `cas`. */
  recurse?: boolean;
  /** Delete only when the key's `modifyIndex` equals this. 0 never deletes an existing key. */
  cas?: number;
}

/** A service instance as a node's agent registers it. */
export interface ServiceRegistration {
  /** Unique on its node; by EM convention `<env>-<service>[-<slice>]`. */
  id: string;
  /** The catalog name: instances with the same name on any node form one service. */
  name: string;
  /** @default [] */
  tags?: string[];
  /** Where the instance listens; '' means the node's address. @default '' */
  address?: string;
  /** @default 0 */
  port?: number;
  /** @default {} */
  meta?: Record<string, string>;
  /** The service's checks. Registering again replaces the service and its whole set of checks. @default [] */
  checks?: CheckRegistration[];
}

interface CheckRegistrationBase {
  /**
   * Unique on its node. Defaults as in Consul: `service:<serviceId>` for a single check, `service:<serviceId>:<n>`
   * (from 1, in order) when there are several.
   */
  id?: string;
  /** @default "Service '<name>' check" */
  name?: string;
  /** Free text shown with the check, e.g. what an agent-run check does. @default '' */
  notes?: string;
  /**
   * Status of a new check. A check that already exists under the same id keeps its status and output when the
   * service is registered again (as Consul does), so an agent's restart does not flap its health.
   * @default 'critical'
   */
  status?: CheckStatus;
}

/**
 * A check whose result someone else reports with `passCheck`/`warnCheck`/`failCheck`. It turns `critical` with
 * output `TTL expired` when no report arrives for `ttlMs`. This is how the deployment agent reports the checks it
 * runs itself.
 */
export interface TtlCheckRegistration extends CheckRegistrationBase {
  type: 'ttl';
  ttlMs: number;
}

/**
 * An HTTP check. Consul runs it; the built-in registry only stores its definition (it keeps its initial status),
 * so portable code reports results through a TTL check instead.
 */
export interface HttpCheckRegistration extends CheckRegistrationBase {
  type: 'http';
  url: string;
  intervalMs: number;
  timeoutMs?: number;
  /** @default false */
  tlsSkipVerify?: boolean;
}

/** A script check (Consul needs `enable_script_checks`). The built-in registry only stores its definition. */
export interface ScriptCheckRegistration extends CheckRegistrationBase {
  type: 'script';
  args: string[];
  intervalMs: number;
  timeoutMs?: number;
}

export type CheckRegistration = TtlCheckRegistration | HttpCheckRegistration | ScriptCheckRegistration;

/** A node of the catalog: a machine (an instance) with an agent. */
export interface CatalogNode {
  node: string;
  address: string;
}

/** A registered service instance. */
export interface ServiceInstance {
  id: string;
  name: string;
  tags: string[];
  /** '' when the registration gave none (the node's address applies). */
  address: string;
  port: number;
  meta: Record<string, string>;
}

/** One service instance in the catalog, with its node (Consul's `/v1/catalog/service/<name>` rows). */
export interface CatalogServiceEntry {
  node: CatalogNode;
  service: ServiceInstance;
}

/** What a check does, as registered (empty for TTL and maintenance checks). */
export interface CheckDefinition {
  url?: string;
  args?: string[];
  intervalMs?: number;
  timeoutMs?: number;
  tlsSkipVerify?: boolean;
}

/** A check's current state. */
export interface HealthCheck {
  node: string;
  checkId: string;
  name: string;
  status: CheckStatus;
  /** The last report (a TTL check's note), or why it failed. */
  output: string;
  notes: string;
  /** '' for a node-level check. */
  serviceId: string;
  serviceName: string;
  /** `ttl`, `http`, `script`, `maintenance`, or another Consul type (e.g. `serf` for Consul's node check). */
  type: string;
  definition: CheckDefinition;
}

/** A service instance with its node and every check that applies to it: the node's checks and its own. */
export interface ServiceHealth {
  node: CatalogNode;
  service: ServiceInstance;
  checks: HealthCheck[];
}

export interface HealthServiceOptions extends ReadOptions {
  /** Only instances whose checks (the node's and the service's) are all `passing`. @default false */
  passing?: boolean;
}

/** A service name and the union of its instances' tags, sorted. */
export interface CatalogServiceSummary {
  name: string;
  tags: string[];
}

/**
 * The registry, seen from one node: reads (KV, catalog, health) are cluster-wide; the agent operations
 * (`registerService` … `setServiceMaintenance`) act on the node this registry client was made for, as Consul's
 * agent endpoints act on the local agent's node.
 *
 * Invariants every adapter keeps (checked by `registryContract`):
 * - Every read returns an index ≥ 1. Every write gets an index greater than any index read before it.
 * - Keys follow `registryKeyProblem` (non-empty, no leading `/`, Consul's safe characters); others fail with
 *   `ValidationError` before anything is sent. Values above 512 KiB of UTF-8 fail with `RegistryValueTooLargeError`.
 * - A blocking read (see `ReadOptions`) wakes on a write under its key, prefix, service or node. A KV read is not
 *   woken by writes to keys outside its key or prefix.
 * - The registry being unreachable or failing fails any method with `DependencyUnavailableError` (cause kept).
 */
export interface Registry {
  /** The entry at `key`; `value` is undefined when the key does not exist. */
  kvGet(key: string, opts?: ReadOptions): Promise<Indexed<KvEntry | undefined>>;
  /** Every entry whose key starts with `prefix` ('' for all), in key order; [] when none. */
  kvList(prefix: string, opts?: ReadOptions): Promise<Indexed<KvEntry[]>>;
  /** The keys starting with `prefix`, in order, without values; [] when none. */
  kvKeys(prefix: string, opts?: KvKeysOptions): Promise<Indexed<string[]>>;
  /**
   * Writes `value` at `key`. Returns false, writing nothing, only when a `cas` condition does not hold.
   * Every write bumps the key's `modifyIndex`, even when the value is unchanged.
   */
  kvPut(key: string, value: string, opts?: KvPutOptions): Promise<boolean>;
  /**
   * Deletes `key`, or with `recurse` every key under the prefix `key`. Returns false only when a `cas` condition
   * does not hold; deleting a missing key returns true. `recurse` with `cas` fails with `ValidationError`.
   */
  kvDelete(key: string, opts?: KvDeleteOptions): Promise<boolean>;

  /** Every service name with the union of its tags, sorted by name. */
  catalogServices(opts?: ReadOptions): Promise<Indexed<CatalogServiceSummary[]>>;
  /** Every instance of a service across nodes, ordered by node then id; [] when none. Health is not considered. */
  catalogService(name: string, opts?: ReadOptions): Promise<Indexed<CatalogServiceEntry[]>>;
  /** Every node known to the catalog, ordered by name. */
  catalogNodes(opts?: ReadOptions): Promise<Indexed<CatalogNode[]>>;
  /** Every instance of a service with its checks, ordered by node then id; with `passing`, healthy ones only. */
  healthService(name: string, opts?: HealthServiceOptions): Promise<Indexed<ServiceHealth[]>>;
  /** Every check of a node (node-level and its services'), ordered by check id; [] for an unknown node. */
  healthNode(node: string, opts?: ReadOptions): Promise<Indexed<HealthCheck[]>>;

  /**
   * Registers (or replaces) a service instance on this node with its checks; checks of the service that the new
   * registration no longer lists are removed, a maintenance check included (as Consul's `replace-existing-checks`).
   * Fails with `ValidationError` on an empty id or name, a port outside 0–65535, a check with a non-positive TTL or
   * interval, or duplicate check ids.
   */
  registerService(reg: ServiceRegistration): Promise<void>;
  /** Removes a service instance of this node and its checks. Returns false when there was no such instance. */
  deregisterService(serviceId: string): Promise<boolean>;
  /**
   * Reports a TTL check of this node as passing, with `note` as its output, and restarts its TTL. A report that
   * changes neither status nor output restarts the TTL without a new index (no wake-up for watchers).
   * Fails with `NotFoundError` when this node has no TTL check with that id.
   */
  passCheck(checkId: string, note?: string): Promise<void>;
  /** As `passCheck`, with status `warning`. */
  warnCheck(checkId: string, note?: string): Promise<void>;
  /** As `passCheck`, with status `critical`. */
  failCheck(checkId: string, note?: string): Promise<void>;
  /**
   * Puts a service instance of this node in maintenance (Consul adds a critical check
   * `_service_maintenance:<serviceId>` with `reason` as its notes) or takes it out. Idempotent; enabling again keeps
   * the first reason. Fails with `NotFoundError` when this node has no such service.
   */
  setServiceMaintenance(serviceId: string, enable: boolean, reason?: string): Promise<void>;
}
