import { describe, expect, it } from 'vitest';
import { authorize, evaluatePermissions } from './evaluate-permissions.js';
import { matchesGlob } from './glob.js';
import { isResourcePermission, type AccessRequest, type Permission } from './permission.js';

const req = (method: string, resource: string, clusters: string[] = [], environmentTypes: string[] = []): AccessRequest => ({
  method,
  resource,
  clusters,
  environmentTypes,
});

describe('evaluatePermissions', () => {
  it('names the deciding entries of an allow by position and role', () => {
    const permissions: Permission[] = [
      { Resource: '/other', Access: 'PUT' },
      { Resource: '/x', Access: 'PUT' },
      { EnvironmentType: 'all' },
      { Cluster: 'A' },
    ];
    const e = evaluatePermissions(permissions, req('PUT', '/x', ['a', 'A'], ['t']));
    expect(e.allowed).toBe(true);
    expect(e.deciding.map((d) => [d.index, d.role])).toEqual([
      [1, 'resource'],
      [3, 'cluster-grant'],
      [2, 'environment-type-grant'],
    ]);
    expect(e.nearMisses).toEqual([]);
  });

  it('lists an entry once even when it is also its own grant', () => {
    const e = evaluatePermissions([{ Resource: '**', Access: 'ADMIN' }], req('PUT', '/x', ['a'], ['t']));
    expect(e.deciding).toEqual([{ index: 0, permission: { Resource: '**', Access: 'ADMIN' }, role: 'resource' }]);
  });

  it('prefers the first entry that settles the request', () => {
    const limited: Permission = { Resource: '/x', Access: 'PUT', Clusters: ['a'], EnvironmentTypes: 'all' };
    const e = evaluatePermissions([limited, { Resource: '/x', Access: 'ADMIN' }, { Cluster: 'a' }], req('PUT', '/x', ['a']));
    expect(e.deciding).toEqual([{ index: 0, permission: limited, role: 'resource' }]);
  });

  it('on denial, lists entries that matched the path but not the access or the scope', () => {
    const permissions: Permission[] = [
      { Resource: '/something', Access: 'POST' },
      { Resource: '/some*', Access: 'PUT', Clusters: ['c3'], EnvironmentTypes: 'all' },
      { Resource: '/other', Access: 'PUT' },
      { Resource: '/**', Access: 'ADMIN', Clusters: ['c2'], EnvironmentTypes: 'all' },
      { Resource: '/something' },
      { Cluster: 'c3' },
    ];
    const e = evaluatePermissions(permissions, req('PUT', '/something', ['c1']));
    expect(e.allowed).toBe(false);
    expect(e.deciding).toEqual([]);
    expect(e.nearMisses.map((m) => [m.index, m.mismatch, m.detail])).toEqual([
      [0, 'access', 'grants POST on /something, not PUT'],
      [1, 'scope', "is limited to clusters 'c3' and all environment types, which leaves out cluster 'c1'"],
      [3, 'scope', "is limited to clusters 'c2' and all environment types, which leaves out cluster 'c1'"],
      [4, 'access', 'grants no access (it only names a cluster or type) on /something, not PUT'],
    ]);
  });

  it('explains an unlimited match without grants', () => {
    const e = evaluatePermissions([{ Resource: '/x', Access: 'PUT' }], req('PUT', '/x', [], ['prod']));
    expect(e.nearMisses).toEqual([
      {
        index: 0,
        permission: { Resource: '/x', Access: 'PUT' },
        mismatch: 'scope',
        detail: "has no Clusters/EnvironmentTypes, and no Cluster or EnvironmentType grant covers environment type 'prod'",
      },
    ]);
  });

  it('gives no near misses for a protected action', () => {
    const e = evaluatePermissions([{ Resource: '**', Access: 'ADMIN' }], {
      ...req('PUT', '/environments/c50/schedule'),
      protectedAction: { action: 'SCHEDULE_ENVIRONMENT', environmentType: 'prod', protectedActions: ['SCHEDULE_ENVIRONMENT'] },
    });
    expect(e).toMatchObject({ allowed: false, code: 'protected-action', deciding: [], nearMisses: [] });
  });
});

// A small seeded generator, so a failing case can be replayed.
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RESOURCES = ['/a', '/a/b', '/a/*', '/A/B', '/*/b', '/a/**', '/{a,c}/b', '/?', '/b/c', '**/b', '/permissions/clusters/*', '/permissions/**', '**'];
const PATHS = ['/a', '/a/b', '/b', '/b/c', '/c/b', '/x/y/z', '/a/b/c', '/permissions/clusters/a'];
const NAMES = ['a', 'B', 'c', 'all', 'ALL'];
const ACCESSES = ['POST', 'PUT', 'DELETE', 'PATCH', 'ADMIN'] as const;
const METHODS = ['POST', 'put', 'DELETE', 'PATCH', 'GET'];

function randomSet(rand: () => number): Permission[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const list = () => (rand() < 0.3 ? pick(['all', 'All']) : NAMES.filter(() => rand() < 0.4));
  return Array.from({ length: Math.floor(rand() * 6) }, (): Permission => {
    const r = rand();
    if (r < 0.2) return { Cluster: pick(NAMES) };
    if (r < 0.35) return { EnvironmentType: pick(NAMES) };
    const base = { Resource: pick(RESOURCES), Access: pick(ACCESSES) };
    return rand() < 0.4 ? { ...base, Clusters: list(), EnvironmentTypes: list() } : base;
  });
}

function randomRequest(rand: () => number): AccessRequest {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const names = () => ['a', 'b', 'c'].filter(() => rand() < 0.4);
  return req(pick(METHODS), pick(PATHS) + (rand() < 0.2 ? '/?q=/a' : ''), names(), names());
}

describe('authorize properties', () => {
  it('never allows when no Resource glob matches the path', () => {
    const rand = mulberry32(4);
    let checked = 0;
    for (let i = 0; i < 3000; i += 1) {
      const permissions = randomSet(rand);
      const r = randomRequest(rand);
      const path = r.resource.replace(/\/?\?.*$/, '');
      if (permissions.some((p) => isResourcePermission(p) && matchesGlob(p.Resource, path))) continue;
      checked += 1;
      expect(authorize(permissions, r).allowed, JSON.stringify({ permissions, r })).toBe(false);
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('never turns an allow into a denial when entries are added (there are no deny rules)', () => {
    const rand = mulberry32(7);
    for (let i = 0; i < 2000; i += 1) {
      const [base, extra, r] = [randomSet(rand), randomSet(rand), randomRequest(rand)];
      if (!authorize(base, r).allowed) continue;
      expect(authorize([...extra, ...base], r).allowed, JSON.stringify({ base, extra, r })).toBe(true);
    }
  });

  it('agrees with evaluatePermissions, whose deciding entries alone still allow', () => {
    const rand = mulberry32(11);
    for (let i = 0; i < 2000; i += 1) {
      const [permissions, r] = [randomSet(rand), randomRequest(rand)];
      const e = evaluatePermissions(permissions, r);
      expect(authorize(permissions, r).allowed).toBe(e.allowed);
      if (e.allowed) expect(authorize(e.deciding.map((d) => d.permission), r).allowed).toBe(true);
    }
  });
});
