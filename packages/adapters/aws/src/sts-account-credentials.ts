import { AssumeRoleCommand, STSServiceException, type STSClient } from '@aws-sdk/client-sts';
import { DependencyUnavailableError, ForbiddenError, ValidationError } from '@envmgr/domain';
import type { AccountCredentials, Clock, TemporaryCredentials } from '@envmgr/ports';

export interface StsAccountCredentialsOptions {
  /** A client acting as EM's master role (`roleInfraEnvironmentManager`). */
  sts: Pick<STSClient, 'send'>;
  clock: Clock;
  /** The role to assume in an account. @default `arn:<partition>:iam::<account>:role/roleInfraEnvironmentManagerChild` */
  roleArn?: (account: string) => string;
  /** @default 'aws' */
  partition?: string;
  /** Shown in CloudTrail as the session name. @default 'envmgr' */
  sessionName?: string;
  /** Asked lifetime of the credentials (STS allows 900 s up to the role's maximum). @default 3600 */
  durationSeconds?: number;
  /** Credentials are renewed when they expire within this margin. @default 300000 (5 minutes) */
  renewBeforeMs?: number;
}

// STS error codes meaning "this role will not let you in", as opposed to a failing service.
const REFUSED = new Set(['AccessDenied', 'AccessDeniedException', 'NoSuchEntity', 'InvalidClientTokenId', 'RegionDisabledException', 'ExpiredToken', 'MalformedPolicyDocument']);

/**
 * `AccountCredentials` through STS AssumeRole of each account's child role (SPEC §12), cached per account until
 * `renewBeforeMs` before expiry, with one renewal in flight per account however many callers wait on it.
 */
export function createStsAccountCredentials(opts: StsAccountCredentialsOptions): AccountCredentials {
  const partition = opts.partition ?? 'aws';
  const roleArnOf = opts.roleArn ?? ((account: string) => `arn:${partition}:iam::${account}:role/roleInfraEnvironmentManagerChild`);
  const marginMs = opts.renewBeforeMs ?? 300_000;
  const cached = new Map<string, TemporaryCredentials>();
  const inFlight = new Map<string, Promise<TemporaryCredentials>>();

  async function assume(account: string): Promise<TemporaryCredentials> {
    const roleArn = roleArnOf(account);
    try {
      const out = await opts.sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: opts.sessionName ?? 'envmgr', DurationSeconds: opts.durationSeconds ?? 3600 }));
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
        throw new DependencyUnavailableError(`STS answered AssumeRole of ${roleArn} for account ${account} without credentials; try again`, { account, roleArn });
      }
      return { account, roleArn, accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiresAtMs: c.Expiration.getTime() };
    } catch (err) {
      throw translate(err, account, roleArn);
    }
  }

  return {
    async get(account) {
      if (!/^\d{12}$/.test(account)) {
        throw new ValidationError([{ path: 'account', message: `'${account}' is not an AWS account number: use its 12 digits, leading zeros included` }]);
      }
      const hit = cached.get(account);
      // a role changed since (the account was edited) is assumed afresh
      if (hit && hit.roleArn === roleArnOf(account) && hit.expiresAtMs - marginMs > opts.clock.now()) return hit;
      let pending = inFlight.get(account);
      if (!pending) {
        pending = assume(account)
          .then((fresh) => {
            cached.set(account, fresh);
            return fresh;
          })
          .finally(() => inFlight.delete(account));
        inFlight.set(account, pending);
      }
      return pending;
    },
    forget(account) {
      if (account === undefined) cached.clear();
      else cached.delete(account);
    },
  };
}

function translate(err: unknown, account: string, roleArn: string): unknown {
  if (err instanceof DependencyUnavailableError) return err;
  const name = err instanceof STSServiceException ? err.name : undefined;
  if (name !== undefined && REFUSED.has(name)) {
    return new ForbiddenError(
      `EM may not assume role ${roleArn} in account ${account} (${name}): create the role there with 'envmgr setup iam', and check that it trusts EM's master role`,
      { account, roleArn, reason: name },
      'account-role-refused',
    );
  }
  // Throttling, 5xx and network failures: the role may well be fine; try again later.
  const why = name ?? (err instanceof Error ? err.name : 'unknown error');
  return new DependencyUnavailableError(`cannot reach STS to assume role ${roleArn} in account ${account} (${why}); try again`, { account, roleArn }, { cause: err });
}
