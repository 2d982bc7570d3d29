import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { STSClient } from '@aws-sdk/client-sts';
import { ValidationError } from '@envmgr/domain';
import type { AccountCredentials, Clock, Compute, GroupSpec } from '@envmgr/ports';
import { createStsAccountCredentials } from '../sts-account-credentials.js';
import type { AgentBootstrap } from './agent-user-data.js';
import { createAwsCompute } from './aws-compute.js';
import type { AwsClients } from './aws-reads.js';
import { createComputeInventory, type ComputeInventory } from './compute-inventory.js';
import { createInventoryCompute } from './inventory-compute.js';
import type { LaunchResolution } from './launch-template.js';
import { createMultiAccountCompute, type MultiAccountCompute } from './multi-account-compute.js';
import type { RequestBudget } from './request-budget.js';

/** An account EM manages, and the role it assumes there. */
export interface EstateAccount {
  /** 12 digits. */
  number: string;
  /** @default `arn:aws:iam::<number>:role/<childRole>` */
  roleArn?: string;
}

export interface AwsComputeEstateOptions extends LaunchResolution {
  region: string;
  /** The accounts EM manages (12 digits each); the master too when it hosts groups. `setAccounts` replaces them. */
  accounts: readonly (string | EstateAccount)[];
  /** The role EM assumes in each account without its own `roleArn`. @default 'roleInfraEnvironmentManagerChild' */
  childRole?: string;
  /**
   * A role to assume first and act from, when EM does not already run as its master role (outside EC2, say).
   * @default none: EM's own credentials (the instance profile of `roleInfraEnvironmentManager`)
   */
  masterRoleArn?: string;
  /** One endpoint for EC2, Auto Scaling and STS (the moto server in tests). @default AWS's */
  endpoint?: string;
  /** Explicit base credentials. @default the SDK's default chain */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  agent: AgentBootstrap;
  /** The account a new group goes to (the environment type's `AWSAccountNumber`). */
  accountForGroup(spec: GroupSpec): Promise<string | undefined>;
  /** API calls per second each account's inventory refresh may make. @default 5 */
  inventoryBudget?: RequestBudget;
  /** Age past which a cached listing reads an account again (`cachedCompute`). @default 120000 */
  inventoryMaxAgeMs?: number;
  onAccountError?(account: string, err: unknown): void;
  clock?: Clock;
}

export interface AwsComputeEstate {
  /** Every operation and read live, across the accounts. */
  compute: MultiAccountCompute;
  inventory: ComputeInventory;
  /** Listings from the inventory, operations live (the servers view, the scheduler). */
  cachedCompute: Compute;
  credentials: AccountCredentials;
  /**
   * Replaces the accounts (registered accounts changed): new ones get clients, removed ones are closed, kept ones
   * keep their clients and cached data unless their role changed. Refused as a whole, with every bad number named,
   * when one is not 12 digits.
   */
  setAccounts(accounts: readonly (string | EstateAccount)[]): void;
  /** The accounts and roles in use. */
  accounts(): EstateAccount[];
  close(): Promise<void>;
}

interface Live {
  account: EstateAccount & { roleArn: string };
  clients: AwsClients;
  compute: Compute;
  destroy(): void;
}

/**
 * EM's AWS compute across its accounts (SPEC §2, §12): credentials of the child role in each account through STS
 * (from the master role), EC2 and Auto Scaling clients per account, the multi-account Compute over them and the
 * inventory cache that reads them within a request budget.
 */
export function createAwsComputeEstate(opts: AwsComputeEstateOptions): AwsComputeEstate {
  const clock = opts.clock ?? { now: () => Date.now() };
  const childRole = opts.childRole ?? 'roleInfraEnvironmentManagerChild';
  const normalise = (list: readonly (string | EstateAccount)[]) => checkAccounts(list.map((a) => (typeof a === 'string' ? { number: a } : a))).map((a) => ({ number: a.number, roleArn: a.roleArn ?? `arn:aws:iam::${a.number}:role/${childRole}` }));
  let wanted = normalise(opts.accounts);
  const base = { region: opts.region, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}) };
  const baseSts = new STSClient({ ...base, ...(opts.credentials ? { credentials: opts.credentials } : {}) });
  const masterArn = opts.masterRoleArn;
  const master = masterArn ? createStsAccountCredentials({ sts: baseSts, clock, roleArn: () => masterArn, sessionName: 'envmgr-master' }) : undefined;
  const masterAccount = masterArn?.split(':')[4] ?? '';
  const childSts = master ? new STSClient({ ...base, credentials: async () => toSdk(await master.get(masterAccount)) }) : baseSts;
  const live = new Map<string, Live>();
  const roleOf = (account: string) => live.get(account)?.account.roleArn ?? `arn:aws:iam::${account}:role/${childRole}`;
  const credentials = createStsAccountCredentials({ sts: childSts, clock, roleArn: roleOf });

  const open = (account: EstateAccount & { roleArn: string }): Live => {
    const config = { ...base, credentials: async () => toSdk(await credentials.get(account.number)) };
    const ec2 = new EC2Client(config);
    const autoScaling = new AutoScalingClient(config);
    const clients: AwsClients = { account: account.number, ec2, autoScaling };
    const compute = createAwsCompute({ clients, agent: opts.agent, ...launchOpts(opts) });
    return { account, clients, compute, destroy: () => (ec2.destroy(), autoScaling.destroy()) };
  };
  for (const a of wanted) live.set(a.number, open(a));
  const current = () => wanted.flatMap((a) => live.get(a.number) ?? []);

  const compute = createMultiAccountCompute({
    accounts: current().map((l) => ({ account: l.account.number, compute: l.compute })),
    accountForGroup: (spec) => opts.accountForGroup(spec),
    onAccountError: (account, err) => opts.onAccountError?.(account, err),
    clock,
  });
  const inventory = createComputeInventory({ accounts: current().map((l) => l.clients), budget: opts.inventoryBudget ?? { perSecond: 5 }, clock });
  const cachedCompute = createInventoryCompute({ inventory, live: compute, ...(opts.inventoryMaxAgeMs !== undefined ? { maxAgeMs: opts.inventoryMaxAgeMs } : {}) });
  return {
    compute,
    inventory,
    cachedCompute,
    credentials,
    setAccounts(next) {
      wanted = normalise(next);
      const keep = new Set(wanted.map((a) => `${a.number} ${a.roleArn}`));
      for (const [number, l] of live) {
        if (keep.has(`${number} ${l.account.roleArn}`)) continue;
        // calls in flight in a removed account fail; its listings are gone from the next answer on
        live.delete(number);
        l.destroy();
      }
      for (const a of wanted) if (!live.has(a.number)) live.set(a.number, open(a));
      compute.setAccounts(current().map((l) => ({ account: l.account.number, compute: l.compute })));
      inventory.setAccounts(current().map((l) => l.clients));
    },
    accounts: () => current().map((l) => ({ ...l.account })),
    async close() {
      await compute.close();
      for (const l of live.values()) l.destroy();
      baseSts.destroy();
      childSts.destroy();
    },
  };
}

function checkAccounts(list: readonly EstateAccount[]): EstateAccount[] {
  const bad = list.filter((a) => !/^\d{12}$/.test(a.number)).map((a) => `'${a.number}'`);
  if (bad.length > 0) throw new ValidationError([{ path: 'accounts', message: `${bad.join(', ')} ${bad.length > 1 ? 'are not AWS account numbers' : 'is not an AWS account number'}: use 12 digits each, leading zeros included` }]);
  const seen = new Set<string>();
  return list.filter((a) => (seen.has(a.number) ? false : (seen.add(a.number), true)));
}

const launchOpts = (o: LaunchResolution): LaunchResolution => ({ ...(o.subnetTypeTag ? { subnetTypeTag: o.subnetTypeTag } : {}), ...(o.imageOwners ? { imageOwners: o.imageOwners } : {}) });

const toSdk = (c: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiresAtMs: number }) => ({
  accessKeyId: c.accessKeyId,
  secretAccessKey: c.secretAccessKey,
  sessionToken: c.sessionToken,
  expiration: new Date(c.expiresAtMs),
});
