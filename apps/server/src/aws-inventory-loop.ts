import type { AwsComputeEstate, EstateAccount } from '@envmgr/adapter-aws';
import type { HttpLogger } from '@envmgr/http';
import type { ConfigStore, Lock } from '@envmgr/ports';
import { registeredComputeAccounts } from './aws-compute.js';
import { startPassLoop } from './pass-loop.js';

/** The job lock's name: one server at a time refreshes the inventory. */
export const INVENTORY_LOCK = 'aws-inventory';

export interface AwsInventoryLoopOptions {
  store: Pick<ConfigStore, 'list'>;
  /** ENVMGR_AWS_ACCOUNTS: fixed accounts in place of the registered ones. */
  override: readonly string[] | undefined;
  lock: Lock;
  holder: string;
  /** ENVMGR_AWS_INVENTORY_INTERVAL_MS. */
  intervalMs: number;
  logger: HttpLogger;
}

export interface AwsInventoryLoop {
  /** Reads the registered accounts again now (an account was written); no refresh. */
  syncAccounts(): Promise<void>;
  /** Runs a pass now (unless one runs), then keeps the interval. */
  wake(): void;
  stop(): Promise<void>;
}

const describe = (list: readonly EstateAccount[]): string => list.map((a) => `${a.number}=${a.roleArn ?? ''}`).sort().join(',');

/**
 * Keeps AWS compute's accounts and inventory current (docs/aws.md#inventory). Every server, each pass: the registered
 * accounts are read again (other servers' writes are not announced here) and the estate follows them. The holder of
 * the `aws-inventory` lock only: every account is refreshed, each within its request budget, so that 50 accounts
 * cost 50 budgets, not 50 × servers. Other servers answer from their own cache, which reads an account again when
 * its data is older than two intervals.
 */
export function startAwsInventoryLoop(estate: AwsComputeEstate, opts: AwsInventoryLoopOptions): AwsInventoryLoop {
  const leaseMs = Math.max(3 * opts.intervalMs, 60_000);
  const failing = new Set<string>();

  async function syncAccounts(): Promise<void> {
    if (opts.override) return;
    const wanted = await registeredComputeAccounts(opts.store);
    const before = describe(estate.accounts());
    // unchanged accounts keep their clients and data, so following the registered ones every pass costs nothing
    estate.setAccounts(wanted);
    const after = describe(estate.accounts());
    if (after !== before) opts.logger.info({ accounts: estate.accounts().map((a) => a.number) }, 'aws compute: the managed accounts changed');
  }

  async function pass(): Promise<void> {
    await syncAccounts().catch((err: unknown) => opts.logger.warn({ err }, 'aws compute: cannot read the registered accounts; keeping the last ones'));
    const lease = await opts.lock.tryAcquire(INVENTORY_LOCK, opts.holder, leaseMs);
    if (!lease.acquired) return;
    for (const f of await estate.inventory.refresh()) {
      // one line when an account starts failing and one when it recovers, not one per pass
      if (f.error && !failing.has(f.account)) opts.logger.warn({ account: f.account, code: f.error.code, err: f.error.message }, 'aws inventory: an account could not be read; its last data is kept');
      if (!f.error && failing.delete(f.account)) opts.logger.info({ account: f.account }, 'aws inventory: the account answers again');
      if (f.error) failing.add(f.account);
    }
  }

  const loop = startPassLoop({
    pass: () => pass().then(
      () => opts.intervalMs,
      (err: unknown) => {
        opts.logger.error({ err }, 'aws inventory: a pass failed; it is retried at the next interval');
        return opts.intervalMs;
      },
    ),
  });
  return {
    syncAccounts: () => syncAccounts().catch((err: unknown) => opts.logger.warn({ err }, 'aws compute: cannot read the registered accounts; keeping the last ones')),
    wake: () => loop.wake(),
    async stop() {
      await loop.stop();
      await opts.lock.release(INVENTORY_LOCK, opts.holder);
    },
  };
}
