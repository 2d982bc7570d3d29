import { describe, expect, it } from 'vitest';
import { createBalancer, type Candidate } from './balancer.js';

const instance = (host: string, n: number, weight: number): Candidate => ({ origin: `http://127.0.0.1:${n}`, host, weight, slice: host === 'blue' ? 'blue' : 'green' });

describe('balancer: smooth weighted round robin by host', () => {
  it('gives each host its weight\'s share however many instances it has, spread evenly', () => {
    const b = createBalancer();
    const candidates = [instance('blue', 1, 10), ...[2, 3, 4].map((n) => instance('green', n, 90))];
    const picks = Array.from({ length: 100 }, () => b.pick('u', candidates)?.host);
    expect(picks.filter((h) => h === 'blue')).toHaveLength(10);
    // never two blue picks within nine of each other
    const at = picks.flatMap((h, i) => (h === 'blue' ? [i] : []));
    expect(at.slice(1).every((i, k) => i - (at[k] ?? 0) >= 9)).toBe(true);
  });

  it('takes the instances of a host in turn, and skips excluded ones', () => {
    const b = createBalancer();
    const candidates = [1, 2, 3].map((n) => instance('green', n, 1));
    expect(Array.from({ length: 6 }, () => b.pick('u', candidates)?.origin)).toEqual([1, 2, 3, 1, 2, 3].map((n) => `http://127.0.0.1:${n}`));
    expect(b.pick('u', candidates, new Set(['http://127.0.0.1:1', 'http://127.0.0.1:2']))?.origin).toBe('http://127.0.0.1:3');
    expect(b.pick('u', candidates, new Set(candidates.map((c) => c.origin)))).toBeUndefined();
  });
});
