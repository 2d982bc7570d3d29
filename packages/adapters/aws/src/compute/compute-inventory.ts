import { DomainError } from '@envmgr/domain';
import type { Clock, Group, Instance } from '@envmgr/ports';
import { byLaunchTimeThenId, ec2StatesOf, membershipsOf, toGroup, toInstance } from './aws-records.js';
import { describeGroups, describeInstances, type AwsClients } from './aws-reads.js';
import { budgetedClients, createTokenBucket, type RequestBudget } from './request-budget.js';

/** How fresh one account's cached data is. */
export interface AccountFreshness {
  account: string;
  /** When its data was last read completely (ms since the epoch); undefined before the first success. */
  refreshedAtMs: number | undefined;
  /** How old that data is now; undefined before the first success. */
  ageMs: number | undefined;
  /** The last refresh failed: the data shown (if any) is from `refreshedAtMs`. */
  error?: { code: string; message: string; atMs: number };
  /** AWS calls the last refresh made. */
  lastRefreshCalls: number;
}

export interface AccountSnapshot {
  groups: Group[];
  instances: Instance[];
}

/** The environment servers view: groups with their instances, and how fresh each account behind them is. */
export interface ServersView {
  groups: { account: string; group: Group; instances: Instance[]; counts: Record<string, number> }[];
  /** Instances of the environment in no group. */
  loose: { account: string; instance: Instance }[];
  accounts: AccountFreshness[];
}

export interface ComputeInventoryOptions {
  accounts: readonly AwsClients[];
  /** API calls per second each account's refresh may make (AWS throttles per account and API). */
  budget: RequestBudget;
  clock?: Clock;
  /** @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

export interface ComputeInventory {
  /**
   * Reads the given accounts (all by default) again, each within its budget, all at once; never throws. An account
   * already being read is not read twice: the caller waits for that read.
   */
  refresh(accounts?: readonly string[]): Promise<AccountFreshness[]>;
  /**
   * Refreshes the accounts whose data is older than `maxAgeMs` or missing, unless their last attempt failed less than
   * `maxAgeMs` ago (a failing account is not asked again at every read). Never throws.
   */
  refreshStale(maxAgeMs: number): Promise<void>;
  /** Replaces the accounts (registered accounts changed): kept accounts keep their data, new ones start empty. */
  setAccounts(accounts: readonly AwsClients[]): void;
  /** The accounts read, in order. */
  accounts(): string[];
  freshness(): AccountFreshness[];
  /** Groups and instances of every account, from the cache. */
  snapshot(): Map<string, AccountSnapshot>;
  /** The servers view of one environment (tag `Environment`), or of all, from the cache. */
  serversView(environment?: string): ServersView;
}

/**
 * One account's groups and instances with the fewest calls AWS allows: DescribeAutoScalingGroups pages of 100 groups
 * and DescribeInstances pages of 1,000 instances (the naive way, a DescribeInstances per instance, costs one call per
 * instance). Terminated instances are left out: the view shows what exists.
 */
export async function readAccountSnapshot(c: AwsClients): Promise<AccountSnapshot> {
  const raw = await describeGroups(c);
  const members = membershipsOf(raw);
  const instances = (await describeInstances(c, [{ Name: 'instance-state-name', Values: ec2StatesOf(['pending', 'running', 'stopping', 'stopped']) }]))
    .map((i) => toInstance(i, members.get(i.InstanceId ?? '')))
    .sort(byLaunchTimeThenId);
  return { groups: raw.map(toGroup).sort((a, b) => a.name.localeCompare(b.name)), instances };
}

/**
 * A cache of every account's groups and instances for the views that read the whole estate (the servers view, the
 * scheduler's listing): refreshed per account within a request budget, so that a 50-account estate is never
 * throttled, and read from memory, with each account's freshness alongside.
 */
export function createComputeInventory(opts: ComputeInventoryOptions): ComputeInventory {
  const clock = opts.clock ?? { now: () => Date.now() };
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  interface Entry {
    /** The clients as given; `clients` wraps them in the budget. */
    raw: AwsClients;
    clients: AwsClients;
    snapshot?: AccountSnapshot;
    refreshedAtMs?: number;
    error?: AccountFreshness['error'];
    calls: number;
  }
  let state = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<void>>();
  const entryOf = (c: AwsClients): Entry => {
    const entry: Entry = { calls: 0, raw: c, clients: c };
    entry.clients = budgetedClients(c, createTokenBucket(opts.budget, clock, sleep), () => {
      entry.calls += 1;
    });
    return entry;
  };
  for (const c of opts.accounts) state.set(c.account, entryOf(c));

  const freshnessOf = (account: string): AccountFreshness => {
    const s = state.get(account);
    const at = s?.refreshedAtMs;
    return { account, refreshedAtMs: at, ageMs: at === undefined ? undefined : clock.now() - at, ...(s?.error ? { error: s.error } : {}), lastRefreshCalls: s?.calls ?? 0 };
  };

  function refreshOne(account: string): Promise<void> {
    let pending = inFlight.get(account);
    if (!pending) {
      pending = readInto(account).finally(() => inFlight.delete(account));
      inFlight.set(account, pending);
    }
    return pending;
  }

  async function readInto(account: string): Promise<void> {
    const s = state.get(account);
    if (!s) return;
    s.calls = 0;
    try {
      s.snapshot = await readAccountSnapshot(s.clients);
      s.refreshedAtMs = clock.now();
      delete s.error;
    } catch (err) {
      // the account keeps its last good data, marked with the failure, and the others go on
      s.error = { code: err instanceof DomainError ? err.code : 'internal', message: err instanceof Error ? err.message : String(err), atMs: clock.now() };
    }
  }

  return {
    async refresh(accounts) {
      const which = accounts ?? [...state.keys()];
      await Promise.all(which.map(refreshOne));
      return which.map(freshnessOf);
    },
    async refreshStale(maxAgeMs) {
      const now = clock.now();
      const stale = [...state].filter(([, s]) => (s.refreshedAtMs === undefined || now - s.refreshedAtMs >= maxAgeMs) && (s.error === undefined || now - s.error.atMs >= maxAgeMs));
      await Promise.all(stale.map(([account]) => refreshOne(account)));
    },
    setAccounts(next) {
      const kept = new Map<string, Entry>();
      for (const c of next) {
        const old = state.get(c.account);
        if (old?.raw === c) kept.set(c.account, old);
        // new clients (a changed role) read from now on; the data read so far is shown until their first refresh
        else kept.set(c.account, { ...entryOf(c), ...(old?.snapshot ? { snapshot: old.snapshot } : {}), ...(old?.refreshedAtMs !== undefined ? { refreshedAtMs: old.refreshedAtMs } : {}) });
      }
      state = kept;
    },
    accounts: () => [...state.keys()],
    freshness: () => [...state.keys()].map(freshnessOf),
    snapshot: () => new Map([...state].flatMap(([a, s]) => (s.snapshot ? [[a, s.snapshot] as const] : []))),
    serversView(environment) {
      const view: ServersView = { groups: [], loose: [], accounts: [] };
      const inEnv = (tags: Record<string, string>): boolean => environment === undefined || tags['Environment'] === environment;
      for (const [account, s] of state) {
        if (!s.snapshot) continue;
        const members = new Map<string, Instance[]>();
        for (const i of s.snapshot.instances) {
          if (i.group !== undefined && i.lifecycleState !== undefined) {
            const list = members.get(i.group);
            if (list) list.push(i);
            else members.set(i.group, [i]);
          } else if (inEnv(i.tags)) {
            view.loose.push({ account, instance: i });
          }
        }
        let shown = environment === undefined;
        for (const group of s.snapshot.groups) {
          if (!inEnv(group.tags)) continue;
          shown = true;
          const instances = members.get(group.name) ?? [];
          view.groups.push({ account, group, instances, counts: countsOf(instances) });
        }
        if (shown) view.accounts.push(freshnessOf(account));
      }
      return view;
    },
  };
}

/** Members by what an operator looks at: running/stopped for those in service, else their lifecycle state. */
function countsOf(instances: readonly Instance[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const i of instances) {
    const key = i.lifecycleState === 'InService' ? i.state : (i.lifecycleState ?? i.state);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
