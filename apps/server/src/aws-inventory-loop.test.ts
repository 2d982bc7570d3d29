import { describe, expect, it } from 'vitest';
import { createInProcessLock } from '@envmgr/adapter-memory';
import type { AccountFreshness, AwsComputeEstate, EstateAccount } from '@envmgr/adapter-aws';
import type { ConfigItem } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';
import { startAwsInventoryLoop } from './aws-inventory-loop.js';

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** An estate recording what the loop asks of it; the estate itself is tested on moto (packages/adapters/aws). */
function recordingEstate() {
  let accounts: EstateAccount[] = [];
  const refreshes: number[] = [];
  const estate = {
    accounts: () => accounts,
    setAccounts: (next: readonly (string | EstateAccount)[]) => {
      accounts = next.map((a) => (typeof a === 'string' ? { number: a } : a));
    },
    inventory: {
      refresh: (): Promise<AccountFreshness[]> => {
        refreshes.push(accounts.length);
        return Promise.resolve(accounts.map((a) => ({ account: a.number, refreshedAtMs: 1, ageMs: 0, lastRefreshCalls: 2 })));
      },
    },
  } as unknown as AwsComputeEstate;
  return { estate, refreshes };
}

const item = (data: Record<string, string>): ConfigItem => ({ type: 'accounts', key: data['AccountNumber'] ?? '', version: 1, data });
const storeOf = (items: ConfigItem[]): Pick<ConfigStore, 'list'> => ({ list: () => Promise.resolve(items) });
const until = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('AWS inventory loop', () => {
  it('follows the registered accounts EM deploys into on every server, and refreshes on the lock holder only', async () => {
    const items = [
      item({ AccountNumber: '111111111111', Purpose: 'shared-services' }),
      item({ AccountNumber: '222222222222' }),
      item({ AccountNumber: '333333333333', Purpose: 'sandbox', RoleArn: 'arn:aws:iam::333333333333:role/custom' }),
      item({ AccountNumber: '000000000002', Purpose: 'logs' }),
      item({ AccountNumber: '000000000001', Purpose: 'security' }),
    ];
    const lock = createInProcessLock({ clock: { now: () => Date.now() } });
    const a = recordingEstate();
    const b = recordingEstate();
    const opts = { store: storeOf(items), override: undefined, lock, intervalMs: 60_000, logger };
    const first = startAwsInventoryLoop(a.estate, { ...opts, holder: 'a' });
    await until(() => a.refreshes.length > 0);
    const second = startAwsInventoryLoop(b.estate, { ...opts, holder: 'b' });
    await until(() => b.estate.accounts().length > 0);
    // the second stops first: its pass has ended (refused the lock) before the first gives the lock up
    await second.stop();
    await first.stop();
    for (const e of [a, b]) {
      expect(e.estate.accounts()).toEqual([{ number: '111111111111' }, { number: '222222222222' }, { number: '333333333333', roleArn: 'arn:aws:iam::333333333333:role/custom' }]);
    }
    expect(a.refreshes).toEqual([3]);
    expect(b.refreshes).toEqual([]);
  });

  it('keeps the accounts of ENVMGR_AWS_ACCOUNTS whatever is registered', async () => {
    const e = recordingEstate();
    e.estate.setAccounts(['444444444444']);
    const loop = startAwsInventoryLoop(e.estate, { store: storeOf([item({ AccountNumber: '222222222222' })]), override: ['444444444444'], lock: createInProcessLock({ clock: { now: () => Date.now() } }), holder: 'a', intervalMs: 60_000, logger });
    await until(() => e.refreshes.length > 0);
    await loop.syncAccounts();
    await loop.stop();
    expect(e.estate.accounts()).toEqual([{ number: '444444444444' }]);
  });
});
