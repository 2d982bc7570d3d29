import type { Lock } from '@envmgr/ports';

/**
 * Wraps the job lock so that the process knows which job locks it holds (the `envmgr_job_lock_held` metric): the
 * outcome of the last acquire or renew of each lock name, and false after a release.
 */
export function trackLocks(lock: Lock): { lock: Lock; held: () => ReadonlyMap<string, boolean> } {
  const held = new Map<string, boolean>();
  return {
    held: () => held,
    lock: {
      async tryAcquire(name, holder, ttlMs) {
        const lease = await lock.tryAcquire(name, holder, ttlMs);
        held.set(name, lease.acquired);
        return lease;
      },
      async renew(name, holder, ttlMs) {
        const ok = await lock.renew(name, holder, ttlMs);
        held.set(name, ok);
        return ok;
      },
      async release(name, holder) {
        await lock.release(name, holder);
        held.set(name, false);
      },
    },
  };
}
