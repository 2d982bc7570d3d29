import { createAwsComputeEstate, type AwsComputeEstate } from '@envmgr/adapter-aws';
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

/**
 * AWS compute (ENVMGR_COMPUTE=aws, docs/aws.md#compute): the child role of every account in ENVMGR_AWS_ACCOUNTS,
 * assumed through STS, and EC2 Auto Scaling groups there whose instances start the agent with the registry and API
 * addresses instances reach. Undefined in local mode.
 */
export function buildAwsCompute(config: ServerConfig, deps: { store: Pick<ConfigStore, 'get'>; logger: HttpLogger }): AwsComputeEstate | undefined {
  if (config.compute !== 'aws' || !config.awsRegion || !config.awsAccounts || !config.agentRegistryUrl || !config.agentServerUrl) return undefined;
  return createAwsComputeEstate({
    region: config.awsRegion,
    accounts: config.awsAccounts.split(','),
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
    // the message names the account and the role; never the credentials
    onAccountError: (account, err) => deps.logger.warn({ account, err: err instanceof Error ? err.message : String(err) }, 'aws compute: an account did not answer; it is left out of listings'),
  });
}

