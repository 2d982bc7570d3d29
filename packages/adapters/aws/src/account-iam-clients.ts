import { IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DependencyUnavailableError } from '@envmgr/domain';
import { createStsAccountCredentials } from './sts-account-credentials.js';

export interface AccountIamClientsOptions {
  /** @default the SDK's (AWS_REGION); IAM is global, STS is called in this region */
  region?: string;
  /** An endpoint for every AWS call (the moto server in tests). @default AWS's */
  endpoint?: string;
  /** Explicit credentials; @default the SDK's default chain (environment, profile, instance role) */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Role assumed in each account other than the caller's. @default 'OrganizationAccountAccessRole' */
  adminRole?: string;
  /** @default 'aws' */
  partition?: string;
}

/**
 * IAM clients per account for setting EM up: the caller's own account with the caller's credentials, every other
 * account through an administrator role assumed there (the role AWS Organizations creates in new accounts).
 */
export function createAccountIamClients(opts: AccountIamClientsOptions): { clientFor(account: string): Promise<IAMClient>; close(): void } {
  const base = { region: opts.region ?? 'us-east-1', ...(opts.endpoint ? { endpoint: opts.endpoint } : {}), ...(opts.credentials ? { credentials: opts.credentials } : {}) };
  const sts = new STSClient(base);
  const admin = createStsAccountCredentials({
    sts,
    clock: { now: () => Date.now() },
    roleArn: (account) => `arn:${opts.partition ?? 'aws'}:iam::${account}:role/${opts.adminRole ?? 'OrganizationAccountAccessRole'}`,
    sessionName: 'envmgr-setup',
  });
  const clients = new Map<string, IAMClient>();
  let own: Promise<string> | undefined;
  const ownAccount = () =>
    (own ??= sts.send(new GetCallerIdentityCommand({}))
      .then((r) => r.Account ?? '')
      .catch((err: unknown) => Promise.reject(new DependencyUnavailableError('cannot tell which account the AWS credentials belong to (STS GetCallerIdentity failed); check them', {}, { cause: err }))));
  return {
    async clientFor(account) {
      const cached = clients.get(account);
      if (cached) return cached;
      const credentials = account === (await ownAccount()) ? opts.credentials : await admin.get(account);
      const client = new IAMClient({ ...base, ...(credentials ? { credentials } : {}) });
      clients.set(account, client);
      return client;
    },
    close() {
      for (const c of clients.values()) c.destroy();
      sts.destroy();
    },
  };
}
