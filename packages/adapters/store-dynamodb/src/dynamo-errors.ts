import { DependencyUnavailableError, DomainError } from '@envmgr/domain';

/** How throttled or conflicting requests are retried. */
export interface RetryPolicy {
  /**
   * Attempts of a request DynamoDB throttles (or fails with a 5xx) before it is surfaced as
   * `DependencyUnavailableError` (503). These come on top of the SDK client's own retries.
   * @default 8
   */
  maxAttempts?: number;
  /** First back-off; doubled on each attempt, with full jitter. @default 25 */
  baseDelayMs?: number;
  /** Largest single back-off. @default 1000 */
  maxDelayMs?: number;
}

export interface ResolvedRetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep(ms: number): Promise<void>;
}

export function resolvePolicy(p: RetryPolicy = {}, sleep?: (ms: number) => Promise<void>): ResolvedRetryPolicy {
  return {
    maxAttempts: p.maxAttempts ?? 8,
    baseDelayMs: p.baseDelayMs ?? 25,
    maxDelayMs: p.maxDelayMs ?? 1000,
    sleep: sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
  };
}

/** Full-jitter exponential back-off (the AWS architecture blog's recommendation for contended retries). */
export function backoffMs(policy: ResolvedRetryPolicy, attempt: number): number {
  return Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt, 16));
}

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'LimitExceededException',
]);

/** Codes of `TransactionCanceledException.CancellationReasons` that mean "too busy" rather than "condition failed". */
export const THROTTLED_REASONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);

export function isThrottling(err: unknown): boolean {
  return err instanceof Error && THROTTLING.has(err.name);
}

/** An SDK service error carries `$fault`; anything else from `send` is a network failure or a timeout. */
function isServiceError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && '$fault' in err;
}

/**
 * Translates what DynamoDB threw into the domain's errors, keeping the original as `cause`; returns other errors as
 * they are (a validation error of a request is a bug, reported as a 500).
 */
export function translate(err: unknown, what: string): unknown {
  if (err instanceof DomainError) return err;
  const name = err instanceof Error ? err.name : 'unknown error';
  if (name === 'ResourceNotFoundException') {
    return new DependencyUnavailableError(`a DynamoDB table EM needs to ${what} does not exist; create the tables with \`envmgr setup storage\` (docs/aws.md#storage)`, {}, { cause: err });
  }
  if (isThrottling(err)) return new DependencyUnavailableError(`DynamoDB kept throttling the request to ${what}; retry later or raise the table's capacity`, {}, { cause: err });
  if (!isServiceError(err)) return new DependencyUnavailableError(`cannot reach DynamoDB to ${what} (${name}); check the endpoint, region and network`, {}, { cause: err });
  if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException') {
    return new DependencyUnavailableError(`DynamoDB refused the credentials EM uses to ${what}; check its IAM role (docs/aws.md#storage)`, {}, { cause: err });
  }
  return err;
}

/**
 * Runs `op`, retrying throttled requests with back-off. When the attempts run out, or on any other failure, throws
 * the translated error.
 */
export async function withRetry<T>(policy: ResolvedRetryPolicy, what: string, op: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (!isThrottling(err) || attempt >= policy.maxAttempts) throw translate(err, what);
      await policy.sleep(backoffMs(policy, attempt));
    }
  }
}
