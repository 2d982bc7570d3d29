import type { Compute, Group, Instance, ListInstancesQuery, TagFilters } from '@envmgr/ports';
import type { ComputeInventory } from './compute-inventory.js';
import type { MultiAccountCompute } from './multi-account-compute.js';

export interface InventoryComputeOptions {
  inventory: ComputeInventory;
  /** The live compute: writes go there, and reads the cache cannot answer. */
  live: MultiAccountCompute;
  /**
   * Data older than this is read again before a listing answers (each account within its budget). The refresh job
   * keeps data younger than this on its holder, so there a read never waits; elsewhere, the first read after this
   * age does.
   * @default 120000
   */
  maxAgeMs?: number;
}

/**
 * A Compute whose listings come from the inventory cache (the servers view, the scheduler: the views that read the
 * whole estate) and whose operations go to the live compute, after which the accounts they touched are read again,
 * so that the next listing shows their effect. A group or instance the cache does not know is looked up live (it
 * may be newer than the last refresh); an instance listing asking for terminated instances is answered live, since
 * the cache keeps only those that exist.
 */
export function createInventoryCompute(opts: InventoryComputeOptions): Compute {
  const { inventory, live } = opts;
  const maxAgeMs = opts.maxAgeMs ?? 120_000;

  async function cached(): Promise<{ groups: Group[]; instances: Instance[] }> {
    await inventory.refreshStale(maxAgeMs);
    const groups: Group[] = [];
    const instances: Instance[] = [];
    for (const snap of inventory.snapshot().values()) {
      groups.push(...snap.groups);
      instances.push(...snap.instances);
    }
    return { groups, instances };
  }

  /** The account the cache saw a group or instance in. */
  function cachedAccountOf(key: string): string | undefined {
    for (const [account, snap] of inventory.snapshot()) {
      if (snap.groups.some((g) => g.name === key) || snap.instances.some((i) => i.id === key)) return account;
    }
    return undefined;
  }

  /**
   * Runs a write on the live compute, telling it first where the cache saw its groups and instances (so it does not
   * ask every account), then reads again the accounts it touched.
   */
  async function write<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const accounts = new Set<string>();
    for (const key of keys) {
      const account = cachedAccountOf(key);
      if (account === undefined) continue;
      live.remember(key, account);
      accounts.add(account);
    }
    try {
      return await fn();
    } finally {
      for (const key of keys) {
        const account = live.accountOf(key);
        if (account !== undefined) accounts.add(account);
      }
      if (accounts.size > 0) await inventory.refresh([...accounts]);
    }
  }

  return {
    createGroup: (spec) => write([spec.name], () => live.createGroup(spec)),
    updateGroup: (name, changes) => write([name], () => live.updateGroup(name, changes)),
    deleteGroup: (name, options) => write([name], () => live.deleteGroup(name, options)),
    setDesiredCapacity: (name, desired) => write([name], () => live.setDesiredCapacity(name, desired)),
    enterStandby: (ids, decrement) => write(ids, () => live.enterStandby(ids, decrement)),
    exitStandby: (ids) => write(ids, () => live.exitStandby(ids)),
    startInstances: (ids) => write(ids, () => live.startInstances(ids)),
    stopInstances: (ids) => write(ids, () => live.stopInstances(ids)),
    terminateInstances: (ids, options) => write(ids, () => live.terminateInstances(ids, options)),
    setInstanceTags: (ids, tags) => write(ids, () => live.setInstanceTags(ids, tags)),
    suspendProcesses: (name, processes) => write([name], () => live.suspendProcesses(name, processes)),
    resumeProcesses: (name, processes) => write([name], () => live.resumeProcesses(name, processes)),
    async listGroups(query) {
      const { groups } = await cached();
      return groups.filter((g) => matches(g.tags, query?.tagFilters)).sort((a, b) => a.name.localeCompare(b.name));
    },
    async getGroup(name) {
      const { groups } = await cached();
      return groups.find((g) => g.name === name) ?? (await live.getGroup(name));
    },
    async listInstances(query) {
      if (query?.states?.includes('terminated')) return live.listInstances(query);
      const { instances } = await cached();
      return instances.filter((i) => instanceMatches(i, query)).sort((a, b) => a.launchTime.localeCompare(b.launchTime) || a.id.localeCompare(b.id));
    },
    async getInstance(id) {
      const { instances } = await cached();
      return instances.find((i) => i.id === id) ?? (await live.getInstance(id));
    },
    // the live compute belongs to its owner, who closes it
    close: () => Promise.resolve(),
  };
}

function instanceMatches(i: Instance, q: ListInstancesQuery | undefined): boolean {
  if (q?.group !== undefined && i.group !== q.group) return false;
  if (q?.states !== undefined && !q.states.includes(i.state)) return false;
  return matches(i.tags, q?.tagFilters);
}

function matches(tags: Record<string, string>, filters: TagFilters | undefined): boolean {
  if (!filters) return true;
  return Object.entries(filters).every(([name, want]) => {
    const value = tags[name];
    return value !== undefined && (typeof want === 'string' ? value === want : want.includes(value));
  });
}
