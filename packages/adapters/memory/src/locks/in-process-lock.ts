import type { Clock, Lock, LockLease } from '@envmgr/ports';

/**
 * A Lock within one process: the leader lock of embedded mode, where one server runs the jobs, and the fake for
 * tests. Leases expire by the injected clock, so tests move time instead of sleeping.
 */
export function createInProcessLock(opts: { clock: Clock }): Lock {
  const leases = new Map<string, { holder: string; expiresAtMs: number }>();
  const held = (name: string, now: number) => {
    const lease = leases.get(name);
    return lease && now < lease.expiresAtMs ? lease : undefined;
  };
  return {
    async tryAcquire(name, holder, ttlMs): Promise<LockLease> {
      const now = opts.clock.now();
      const current = held(name, now);
      if (current && current.holder !== holder) return { acquired: false, holder: current.holder, expiresAtMs: current.expiresAtMs };
      const lease = { holder, expiresAtMs: now + ttlMs };
      leases.set(name, lease);
      return { acquired: true, ...lease };
    },
    async renew(name, holder, ttlMs) {
      const now = opts.clock.now();
      const current = held(name, now);
      if (current?.holder !== holder) return false;
      current.expiresAtMs = now + ttlMs;
      return true;
    },
    async release(name, holder) {
      if (leases.get(name)?.holder === holder) leases.delete(name);
    },
  };
}
