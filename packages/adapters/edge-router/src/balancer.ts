import type { TrafficSlice } from '@envmgr/domain';

/** One place a request may go: an instance of a host of an upstream. */
export interface Candidate {
  /** `http://<address>:<port>`. */
  origin: string;
  /** The host's weight (its instances share it each). */
  weight: number;
  slice: TrafficSlice | undefined;
}

/**
 * Weighted round robin per upstream: successive picks walk the candidates in order, each taken `weight` times per
 * round. Candidates in `exclude` (an instance that just refused a connection) are skipped.
 */
export function createBalancer() {
  const counters = new Map<string, number>();
  return {
    pick(key: string, candidates: readonly Candidate[], exclude: ReadonlySet<string> = new Set()): Candidate | undefined {
      const usable = exclude.size ? candidates.filter((c) => !exclude.has(c.origin)) : candidates;
      if (usable.length === 0) return undefined;
      const total = usable.reduce((n, c) => n + c.weight, 0);
      const turn = counters.get(key) ?? 0;
      counters.set(key, (turn + 1) % 1_000_000_007);
      let slot = turn % total;
      for (const c of usable) {
        if (slot < c.weight) return c;
        slot -= c.weight;
      }
      return usable[0];
    },
  };
}

export type Balancer = ReturnType<typeof createBalancer>;
