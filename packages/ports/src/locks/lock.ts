/** The outcome of `Lock.tryAcquire`: who holds the lock now, and until when. */
export interface LockLease {
  /** True when the caller holds the lock after the call. */
  acquired: boolean;
  /** The holder after the call: the caller when acquired, the other holder otherwise. */
  holder: string;
  /** When the holder's lease ends, ms on the lock's clock. */
  expiresAtMs: number;
}

/**
 * A named leader lock with a lease, so that one process runs a job (the deployment driver, the scheduler) at a time.
 * A holder that stops renewing loses the lock when its lease expires; time comes from the injected `Clock`.
 *
 * Invariants every adapter keeps (checked by `lockContract`):
 * - at most one holder per name at any time; a lease is expired once the clock reaches `expiresAtMs`.
 * - `tryAcquire` succeeds when the lock is free, expired, or already held by the same holder (which extends it).
 * - `renew` extends only a lease the caller still holds; after expiry it returns false, even when no one else took
 *   the lock, so the holder knows its leadership lapsed and must `tryAcquire` again.
 * - `release` by anyone but the current holder does nothing.
 */
export interface Lock {
  /** Takes the lock for `ttlMs` unless another holder has an unexpired lease. */
  tryAcquire(name: string, holder: string, ttlMs: number): Promise<LockLease>;
  /** Extends the caller's lease to `ttlMs` from now; false when the caller no longer holds the lock. */
  renew(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Frees the lock when `holder` holds it; otherwise does nothing. */
  release(name: string, holder: string): Promise<void>;
}
