/**
 * Temporary credentials to act in one AWS account: what STS AssumeRole returns. They are secrets: never log them,
 * put them in an error, or return them over the API.
 */
export interface TemporaryCredentials {
  /** The 12-digit account they act in. */
  account: string;
  /** The role they act as (an IAM role ARN). */
  roleArn: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** When they stop working, in ms since the epoch. */
  expiresAtMs: number;
}

/**
 * Credentials for the accounts EM works in (ARCHITECTURE §2 "Credentials"; SPEC §2, §12): EM's master role assumes
 * the child role `roleInfraEnvironmentManagerChild` of each account.
 *
 * Invariants every adapter keeps (checked by `accountCredentialsContract`):
 * - Credentials are reused until shortly before they expire, then renewed; a caller never gets credentials that
 *   expire within the adapter's safety margin.
 * - Concurrent requests for one account while none are cached share one renewal (single flight); a failed renewal is
 *   not cached, so the next request tries again.
 * - One account's failure never affects another's credentials.
 */
export interface AccountCredentials {
  /**
   * Credentials to act in `account`.
   * Throws `ValidationError` when `account` is not 12 digits; `ForbiddenError` (code `account-role-refused`, details
   * `{ account, roleArn }`) when the role cannot be assumed (it does not exist, or does not trust EM's role);
   * `DependencyUnavailableError` (details `{ account, roleArn }`) when the credentials service cannot be reached or
   * throttles.
   */
  get(account: string): Promise<TemporaryCredentials>;

  /** Forgets cached credentials (of one account, or all), e.g. after the role's policies changed. */
  forget(account?: string): void;
}
