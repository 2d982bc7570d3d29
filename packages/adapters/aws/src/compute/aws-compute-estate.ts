import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { STSClient } from '@aws-sdk/client-sts';
import { ValidationError } from '@envmgr/domain';
import type { AccountCredentials, Clock, GroupSpec } from '@envmgr/ports';
import { createStsAccountCredentials } from '../sts-account-credentials.js';
import type { AgentBootstrap } from './agent-user-data.js';
import { createAwsCompute } from './aws-compute.js';
import type { AwsClients } from './aws-reads.js';
import { createComputeInventory, type ComputeInventory } from './compute-inventory.js';
import type { LaunchResolution } from './launch-template.js';
import { createMultiAccountCompute, type MultiAccountCompute } from './multi-account-compute.js';
import type { RequestBudget } from './request-budget.js';

export interface AwsComputeEstateOptions extends LaunchResolution {
  region: string;
  /** The accounts EM manages (12 digits each); the master too when it hosts groups. */
  accounts: readonly string[];
  /** The role EM assumes in each account. @default 'roleInfraEnvironmentManagerChild' */
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
  onAccountError?(account: string, err: unknown): void;
  clock?: Clock;
}

export interface AwsComputeEstate {
  compute: MultiAccountCompute;
  inventory: ComputeInventory;
  credentials: AccountCredentials;
  close(): Promise<void>;
}

/**
 * EM's AWS compute across its accounts (SPEC §2, §12): credentials of the child role in each account through STS
 * (from the master role), EC2 and Auto Scaling clients per account, the multi-account Compute over them and the
 * inventory cache that reads them within a request budget.
 */
export function createAwsComputeEstate(opts: AwsComputeEstateOptions): AwsComputeEstate {
  const bad = opts.accounts.filter((a) => !/^\d{12}$/.test(a));
  if (bad.length > 0) throw new ValidationError([{ path: 'accounts', message: `${bad.map((a) => `'${a}'`).join(', ')} are not AWS account numbers: use 12 digits each` }]);
  const clock = opts.clock ?? { now: () => Date.now() };
  const base = { region: opts.region, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}) };
  const baseSts = new STSClient({ ...base, ...(opts.credentials ? { credentials: opts.credentials } : {}) });
  const masterArn = opts.masterRoleArn;
  const master = masterArn ? createStsAccountCredentials({ sts: baseSts, clock, roleArn: () => masterArn, sessionName: 'envmgr-master' }) : undefined;
  const masterAccount = masterArn?.split(':')[4] ?? '';
  const childSts = master ? new STSClient({ ...base, credentials: async () => toSdk(await master.get(masterAccount)) }) : baseSts;
  const childRole = opts.childRole ?? 'roleInfraEnvironmentManagerChild';
  const credentials = createStsAccountCredentials({ sts: childSts, clock, roleArn: (account) => `arn:aws:iam::${account}:role/${childRole}` });
  const destroyers: (() => void)[] = [() => baseSts.destroy(), () => childSts.destroy()];
  const clients: AwsClients[] = opts.accounts.map((account) => {
    const config = { ...base, credentials: async () => toSdk(await credentials.get(account)) };
    const ec2 = new EC2Client(config);
    const autoScaling = new AutoScalingClient(config);
    destroyers.push(() => ec2.destroy(), () => autoScaling.destroy());
    return { account, ec2, autoScaling };
  });
  const compute = createMultiAccountCompute({
    accounts: clients.map((c) => ({ account: c.account, compute: createAwsCompute({ clients: c, agent: opts.agent, ...launchOpts(opts) }) })),
    accountForGroup: (spec) => opts.accountForGroup(spec),
    onAccountError: (account, err) => opts.onAccountError?.(account, err),
    clock,
  });
  const inventory = createComputeInventory({ accounts: clients, budget: opts.inventoryBudget ?? { perSecond: 5 }, clock });
  return {
    compute,
    inventory,
    credentials,
    async close() {
      await compute.close();
      for (const d of destroyers) d();
    },
  };
}

const launchOpts = (o: LaunchResolution): LaunchResolution => ({ ...(o.subnetTypeTag ? { subnetTypeTag: o.subnetTypeTag } : {}), ...(o.imageOwners ? { imageOwners: o.imageOwners } : {}) });

const toSdk = (c: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiresAtMs: number }) => ({
  accessKeyId: c.accessKeyId,
  secretAccessKey: c.secretAccessKey,
  sessionToken: c.sessionToken,
  expiration: new Date(c.expiresAtMs),
});
