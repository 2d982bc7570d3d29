import { DependencyUnavailableError, DomainError, NotFoundError, ValidationError } from '@envmgr/domain';
import type { Compute, Group, GroupSpec, Instance } from '@envmgr/ports';

/** One account's compute, e.g. `createAwsCompute` with clients acting as the child role there. */
export interface AccountCompute {
  account: string;
  compute: Compute;
}

/** How the last call that needed an account went for it. */
export interface AccountHealth {
  account: string;
  ok: boolean;
  /** The failure, when not ok: its code and message (which name the account, never a secret). */
  error?: { code: string; message: string };
  /** ms since the epoch of that call. */
  atMs: number;
}

export interface MultiAccountComputeOptions {
  accounts: readonly AccountCompute[];
  /**
   * The account a new group goes to: the environment type's `AWSAccountNumber` (the deployment plan's
   * `accountNumber`). Undefined refuses the group with a `ValidationError`.
   */
  accountForGroup(spec: GroupSpec): string | undefined | Promise<string | undefined>;
  /** Called when an account fails during a fan-out (listings go on without it). */
  onAccountError?(account: string, err: unknown): void;
  clock?: { now(): number };
}

export interface MultiAccountCompute extends Compute {
  /** Per account, how its last call went: the way one child's failure surfaces while the others' listings go on. */
  health(): AccountHealth[];
  /** The account a group or instance was last seen in, if any. */
  accountOf(groupOrInstance: string): string | undefined;
  /**
   * Replaces the accounts (registered accounts changed). Accounts kept keep their compute, what was seen in them and
   * their health; a removed account is forgotten (its compute is not closed here: its owner does that).
   */
  setAccounts(accounts: readonly AccountCompute[]): void;
  /** Records where a group or instance was seen (by a cache), so that an operation on it asks that account only. */
  remember(groupOrInstance: string, account: string): void;
}

/**
 * A Compute over several accounts (SPEC §2): new groups go to their environment type's account; operations on a
 * named group or instance go to the account it lives in (remembered from listings, else looked up in every account);
 * listings merge every account. One account that fails does not fail a listing: it is left out, reported through
 * `health()` and `onAccountError`, and only when every account fails does the listing fail. Multi-instance operations
 * are all-or-nothing within each account, not across accounts.
 */
export function createMultiAccountCompute(opts: MultiAccountComputeOptions): MultiAccountCompute {
  let accounts: readonly AccountCompute[] = [...opts.accounts];
  let byAccount = new Map(accounts.map((a) => [a.account, a.compute]));
  const located = new Map<string, string>();
  const health = new Map<string, AccountHealth>();
  const now = () => (opts.clock ?? Date).now();

  const record = (account: string, err?: unknown): void => {
    const error = err === undefined ? undefined : { code: err instanceof DomainError ? err.code : 'internal', message: err instanceof Error ? err.message : 'unknown failure' };
    health.set(account, { account, ok: err === undefined, ...(error ? { error } : {}), atMs: now() });
    if (err !== undefined) opts.onAccountError?.(account, err);
  };

  /** Runs `fn` in every account at once; failed accounts are recorded and left out unless all fail. */
  async function fanOut<T>(fn: (c: Compute, account: string) => Promise<T>): Promise<{ account: string; value: T }[]> {
    const list = accounts; // the accounts as the call started, however they change meanwhile
    const settled = await Promise.allSettled(list.map(async (a) => ({ account: a.account, value: await fn(a.compute, a.account) })));
    const ok: { account: string; value: T }[] = [];
    const failures: unknown[] = [];
    settled.forEach((s, k) => {
      const account = list[k]?.account ?? '';
      if (s.status === 'fulfilled') {
        record(account);
        ok.push(s.value);
      } else {
        record(account, s.reason);
        failures.push(s.reason);
      }
    });
    if (ok.length === 0 && failures.length > 0) throw failures[0];
    return ok;
  }

  const computeOf = (account: string): Compute => {
    const c = byAccount.get(account);
    if (!c) throw new ValidationError([{ path: 'account', message: `account ${account} is not one EM manages (known: ${[...byAccount.keys()].join(', ')}); register it first` }]);
    return c;
  };

  /** The account holding a group or instance; NotFound only when every account answered that it has none. */
  async function locate(key: string, kind: 'group' | 'instance'): Promise<string> {
    const known = located.get(key);
    if (known) return known;
    const list = accounts;
    const settled = await Promise.allSettled(list.map(async (a) => ((kind === 'group' ? await a.compute.getGroup(key) : await a.compute.getInstance(key)) ? a.account : undefined)));
    const hit = settled.find((s): s is PromiseFulfilledResult<string> => s.status === 'fulfilled' && s.value !== undefined);
    if (hit) {
      located.set(key, hit.value);
      return hit.value;
    }
    const failed = list.filter((_, k) => settled[k]?.status === 'rejected').map((a) => a.account);
    if (failed.length > 0) throw new DependencyUnavailableError(`cannot tell where ${kind} '${key}' is: account(s) ${failed.join(', ')} did not answer; try again`, { [kind]: key, accounts: failed });
    throw new NotFoundError(kind, key);
  }

  const remember = <T extends Group | Instance>(account: string, xs: T[]): T[] => {
    for (const x of xs) located.set('id' in x ? x.id : x.name, account);
    return xs;
  };

  /** Splits instance ids by account, in order, after finding every one of them. */
  async function perAccount(ids: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const id of ids) {
      const account = await locate(id, 'instance');
      out.set(account, [...(out.get(account) ?? []), id]);
    }
    return out;
  }
  async function eachAccount<T>(ids: readonly string[], fn: (c: Compute, ids: string[]) => Promise<T[]>): Promise<T[]> {
    const out: T[] = [];
    for (const [account, part] of await perAccount(ids)) out.push(...(await fn(computeOf(account), part)));
    return out;
  }
  const onGroup = async <T>(name: string, fn: (c: Compute) => Promise<T>): Promise<T> => fn(computeOf(await locate(name, 'group')));

  return {
    async createGroup(spec) {
      const account = await opts.accountForGroup(spec);
      if (!account) throw new ValidationError([{ path: 'tags.EnvironmentType', message: `no AWS account for group '${spec.name}': set AWSAccountNumber on environment type '${spec.tags['EnvironmentType'] ?? ''}'` }]);
      const group = await computeOf(account).createGroup(spec);
      located.set(group.name, account);
      return group;
    },
    updateGroup: (name, changes) => onGroup(name, (c) => c.updateGroup(name, changes)),
    async deleteGroup(name, options) {
      await onGroup(name, (c) => c.deleteGroup(name, options));
      located.delete(name);
    },
    setDesiredCapacity: (name, desired) => onGroup(name, (c) => c.setDesiredCapacity(name, desired)),
    enterStandby: (ids, decrement) => eachAccount(ids, (c, part) => c.enterStandby(part, decrement)),
    exitStandby: (ids) => eachAccount(ids, (c, part) => c.exitStandby(part)),
    async listGroups(query) {
      const parts = await fanOut(async (c, account) => remember(account, await c.listGroups(query)));
      return parts.flatMap((p) => p.value).sort((a, b) => a.name.localeCompare(b.name));
    },
    async getGroup(name) {
      try {
        const group = await onGroup(name, (c) => c.getGroup(name));
        // deleted behind EM's back: look everywhere next time
        if (!group) located.delete(name);
        return group;
      } catch (err) {
        if (err instanceof NotFoundError) return undefined;
        throw err;
      }
    },
    async listInstances(query) {
      if (query?.group !== undefined) {
        const account = await locate(query.group, 'group').catch((err: unknown) => {
          if (err instanceof NotFoundError) return undefined;
          throw err;
        });
        // a deleted group's former members are in the account it was in, if known; else look everywhere
        if (account) return remember(account, await computeOf(account).listInstances(query));
      }
      const parts = await fanOut(async (c, account) => remember(account, await c.listInstances(query)));
      return parts.flatMap((p) => p.value).sort((a, b) => a.launchTime.localeCompare(b.launchTime) || a.id.localeCompare(b.id));
    },
    async getInstance(id) {
      try {
        return await computeOf(await locate(id, 'instance')).getInstance(id);
      } catch (err) {
        if (err instanceof NotFoundError) return undefined;
        throw err;
      }
    },
    startInstances: (ids) => eachAccount(ids, (c, part) => c.startInstances(part)),
    stopInstances: (ids) => eachAccount(ids, (c, part) => c.stopInstances(part)),
    terminateInstances: (ids, options) => eachAccount(ids, (c, part) => c.terminateInstances(part, options)),
    async setInstanceTags(ids, tags) {
      await eachAccount(ids, async (c, part) => (await c.setInstanceTags(part, tags), []));
    },
    suspendProcesses: (name, processes) => onGroup(name, (c) => c.suspendProcesses(name, processes)),
    resumeProcesses: (name, processes) => onGroup(name, (c) => c.resumeProcesses(name, processes)),
    async close() {
      await Promise.all(accounts.map((a) => a.compute.close()));
    },
    health: () => accounts.map((a) => health.get(a.account) ?? { account: a.account, ok: true, atMs: 0 }),
    accountOf: (key) => located.get(key),
    remember(key, account) {
      if (byAccount.has(account)) located.set(key, account);
    },
    setAccounts(next) {
      accounts = [...next];
      byAccount = new Map(accounts.map((a) => [a.account, a.compute]));
      for (const [key, account] of located) if (!byAccount.has(account)) located.delete(key);
      for (const account of health.keys()) if (!byAccount.has(account)) health.delete(account);
    },
  };
}
