import type { TrafficSlice } from '@envmgr/domain';

/** One place a request may go: an instance of a host of an upstream. */
export interface Candidate {
  /** `http://<address>:<port>`. */
  origin: string;
  /** The upstream host it belongs to (`<dns name>:<port>`); the host's weight is shared by its instances. */
  host: string;
  /** The host's weight: its share of the upstream's traffic, however many instances it has. */
  weight: number;
  slice: TrafficSlice | undefined;
  /** The registry service it was found under (`<env>-<service>-<slice>`), for the traffic counts; undefined for a fixed address. */
  registryName?: string;
}

/**
 * Smooth weighted round robin per upstream (nginx's algorithm), in two levels: hosts by weight, so a host's weight
 * is its share however many instances it has (10 against 90 is 10%, as a canary needs), spread evenly over time
 * (weights 90/10 send every tenth request to the light host, not ten in a row); then the instances of the picked host
 * in turn. Candidates in `exclude` (an instance that just refused a connection) are skipped; a host left without
 * instances drops out of the round.
 */
export function createBalancer() {
  const counters = new Map<string, number>();
  /** Per upstream key: each host's running score. */
  const scores = new Map<string, Map<string, number>>();
  const next = (key: string): number => {
    const turn = counters.get(key) ?? 0;
    counters.set(key, (turn + 1) % 1_000_000_007);
    return turn;
  };
  const pickHost = (key: string, groups: Candidate[][]): Candidate[] => {
    if (groups.length === 1) return groups[0] ?? [];
    const score = scores.get(key) ?? new Map<string, number>();
    scores.set(key, score);
    let total = 0;
    let best: Candidate[] | undefined;
    let bestScore = -Infinity;
    for (const g of groups) {
      const host = g[0]?.host ?? '';
      const w = g[0]?.weight ?? 0;
      total += w;
      const s = (score.get(host) ?? 0) + w;
      score.set(host, s);
      if (s > bestScore) {
        bestScore = s;
        best = g;
      }
    }
    const picked = best ?? groups[0] ?? [];
    const host = picked[0]?.host ?? '';
    score.set(host, (score.get(host) ?? 0) - total);
    return picked;
  };
  return {
    pick(key: string, candidates: readonly Candidate[], exclude: ReadonlySet<string> = new Set()): Candidate | undefined {
      const usable = exclude.size ? candidates.filter((c) => !exclude.has(c.origin)) : candidates;
      if (usable.length === 0) return undefined;
      const hosts = new Map<string, Candidate[]>();
      for (const c of usable) hosts.set(c.host, [...(hosts.get(c.host) ?? []), c]);
      const picked = pickHost(key, [...hosts.values()]);
      if (picked.length === 1) return picked[0];
      return picked[next(`${key}\u0000${picked[0]?.host ?? ''}`) % picked.length];
    },
  };
}

export type Balancer = ReturnType<typeof createBalancer>;
