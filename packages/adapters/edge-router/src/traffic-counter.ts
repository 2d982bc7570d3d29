import type { SliceTrafficCount, TrafficStats } from '@envmgr/ports';

/** Counts older than this are dropped: a canary step is judged on its own window, at most an hour. */
const KEEP_MS = 3_600_000;

/**
 * The router's counts of answers per registry service, in one-second buckets, for canaries (the `TrafficStats`
 * port). An answer is an error when its status is 5xx (the instance's, or the router's own 502/504 after the
 * instance failed).
 */
export function createTrafficCounter(now: () => number = Date.now): TrafficStats & { record(registryName: string, status: number): void } {
  const buckets = new Map<string, Map<number, SliceTrafficCount>>();
  let lastSweep = 0;
  const sweep = (t: number) => {
    if (t - lastSweep < 60_000) return;
    lastSweep = t;
    const oldest = Math.floor((t - KEEP_MS) / 1000);
    for (const byName of buckets.values()) for (const s of byName.keys()) if (s < oldest) byName.delete(s);
  };
  return {
    record(registryName, status) {
      const t = now();
      sweep(t);
      const second = Math.floor(t / 1000);
      const byName = buckets.get(registryName) ?? new Map<number, SliceTrafficCount>();
      buckets.set(registryName, byName);
      const b = byName.get(second) ?? { requests: 0, errors: 0 };
      b.requests += 1;
      if (status >= 500) b.errors += 1;
      byName.set(second, b);
    },
    sliceTraffic(registryName, sinceMs) {
      const byName = buckets.get(registryName);
      if (!byName) return undefined;
      const from = Math.floor(sinceMs / 1000);
      const total = { requests: 0, errors: 0 };
      for (const [s, b] of byName) {
        if (s < from) continue;
        total.requests += b.requests;
        total.errors += b.errors;
      }
      return total.requests > 0 ? total : undefined;
    },
  };
}
