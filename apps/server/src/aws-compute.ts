import { COMPUTE_PURPOSES, type AccountPurposeValue } from '@envmgr/api-contract';
import { createAwsComputeEstate, type AwsComputeEstate, type EstateAccount } from '@envmgr/adapter-aws';
import type { HttpLogger } from '@envmgr/http';
import type { ConfigStore, GroupSpec } from '@envmgr/ports';
import type { ServerConfig } from './config.js';

/**
 * The account of a new group: its environment type's `AWSAccountNumber` (SPEC §3.2), found through the group's
 * `EnvironmentType` tag, which the deployment planner sets from the same environment type (the plan's
 * `accountNumber`).
 */
export function accountOfEnvironmentType(store: Pick<ConfigStore, 'get'>): (spec: GroupSpec) => Promise<string | undefined> {
  return async (spec) => {
    const type = spec.tags['EnvironmentType'];
    if (!type) return undefined;
    const item = await store.get('environment-types', type);
    const value = item?.data['Value'];
    const account = value && typeof value === 'object' && !Array.isArray(value) ? value['AWSAccountNumber'] : undefined;
    return typeof account === 'string' ? account : undefined;
  };
}

const PAGE = 500;

/**
 * The registered accounts EM deploys into (SPEC §2): application (also those without a purpose, as EM registered
 * them), shared-services (the master, which hosts deployments too), sandbox and testing; with their `RoleArn`, else
 * the child role by name. Security and logs accounts host nothing of EM's.
 */
export async function registeredComputeAccounts(store: Pick<ConfigStore, 'list'>): Promise<EstateAccount[]> {
  const out: EstateAccount[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.list('accounts', { limit: PAGE, ...(after !== undefined ? { after } : {}) });
    for (const item of page) {
      const number = item.data['AccountNumber'];
      const purpose = (item.data['Purpose'] ?? 'application') as AccountPurposeValue;
      const roleArn = item.data['RoleArn'];
      if (typeof number !== 'string' || !COMPUTE_PURPOSES.includes(purpose)) continue;
      out.push({ number, ...(typeof roleArn === 'string' ? { roleArn } : {}) });
    }
    if (page.length < PAGE) return out;
    after = page.at(-1)?.key;
  }
}

/** ENVMGR_AWS_ACCOUNTS when set: it overrides the registered accounts. */
export const accountsOverride = (config: Pick<ServerConfig, 'awsAccounts'>): string[] | undefined => config.awsAccounts?.split(',');

/**
 * AWS compute (ENVMGR_COMPUTE=aws, docs/aws.md#compute): the child role of every managed account, assumed through
 * STS, and EC2 Auto Scaling groups there whose instances start the agent with the registry and API addresses
 * instances reach. The accounts are ENVMGR_AWS_ACCOUNTS, else none until the inventory loop reads the registered ones
 * (`startAwsInventoryLoop`). Undefined in local mode.
 */
export function buildAwsCompute(config: ServerConfig, deps: { store: Pick<ConfigStore, 'get'>; logger: HttpLogger }): AwsComputeEstate | undefined {
  if (config.compute !== 'aws' || !config.awsRegion || !config.agentRegistryUrl || !config.agentServerUrl) return undefined;
  return createAwsComputeEstate({
    region: config.awsRegion,
    accounts: accountsOverride(config) ?? [],
    childRole: config.awsChildRole,
    ...(config.awsMasterRoleArn ? { masterRoleArn: config.awsMasterRoleArn } : {}),
    ...(config.computeEndpoint ? { endpoint: config.computeEndpoint } : {}),
    agent: {
      registryUrl: config.agentRegistryUrl,
      serverUrl: config.agentServerUrl,
      ...(config.agentTokenParameter ? { tokenParameter: config.agentTokenParameter } : {}),
    },
    accountForGroup: accountOfEnvironmentType(deps.store),
    inventoryBudget: { perSecond: config.awsRequestsPerSecond },
    // a server that does not hold the refresh job reads an account again once its data is two intervals old
    inventoryMaxAgeMs: 2 * config.awsInventoryIntervalMs,
    // the message names the account and the role; never the credentials
    onAccountError: (account, err) => deps.logger.warn({ account, err: err instanceof Error ? err.message : String(err) }, 'aws compute: an account did not answer; it is left out of listings'),
  });
}
