/**
 * Growing delays after failed sign-ins, per user name and per client address: the first few failures are free,
 * then each one doubles the wait (up to a cap). A success resets the count. Pure: callers keep the state.
 */
export interface ThrottleState {
  failures: number;
  blockedUntilMs: number;
}

export interface ThrottlePolicy {
  /** Failures before any delay. */
  freeAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = { freeAttempts: 5, baseDelayMs: 1000, maxDelayMs: 5 * 60_000 };

/** How long the caller must still wait, 0 when it may try now. */
export function throttleWaitMs(state: ThrottleState | undefined, nowMs: number): number {
  return state ? Math.max(0, state.blockedUntilMs - nowMs) : 0;
}

export function recordFailure(state: ThrottleState | undefined, nowMs: number, policy: ThrottlePolicy = DEFAULT_THROTTLE): ThrottleState {
  const failures = (state?.failures ?? 0) + 1;
  const over = failures - policy.freeAttempts;
  const delay = over <= 0 ? 0 : Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(over - 1, 30));
  return { failures, blockedUntilMs: nowMs + delay };
}
