/** How deliveries are retried: exponential back-off from `baseMs`, at most `maxDelayMs`, `maxAttempts` tries. */
export interface RetryPolicy {
  baseMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

/** 10 s, 20 s, 40 s, … capped at 15 min, 12 tries: about 1 h 40 min before a delivery is dead-lettered. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 10_000, maxDelayMs: 15 * 60_000, maxAttempts: 12 };

/**
 * After the `attempts`-th failed try: when to try again (ms from now), or `dead` when the tries are used up.
 * No jitter: deliveries of one subscription go one at a time in order, so retries never come in a herd.
 */
export function nextRetry(attempts: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): { retryInMs: number } | 'dead' {
  if (attempts >= policy.maxAttempts) return 'dead';
  const exponent = Math.max(0, attempts - 1);
  return { retryInMs: Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.min(exponent, 30)) };
}
