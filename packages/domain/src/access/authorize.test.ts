import { describe, expect, it } from 'vitest';
import { authorize } from './evaluate-permissions.js';
import { normaliseResource, type AccessRequest, type Permission } from './permission.js';

const req = (method: string, resource: string, clusters: string[] = [], environmentTypes: string[] = []): AccessRequest => ({
  method,
  resource,
  clusters,
  environmentTypes,
});
const putSomething = (clusters: string[] = [], types: string[] = []) => req('put', '/something', clusters, types);
const SOMETHING_PUT: Permission = { Resource: '/something', Access: 'PUT' };
const ADMIN_ALL: Permission = { Resource: '**', Access: 'ADMIN' };

const decide = (permissions: Permission[], r: AccessRequest): boolean | string => {
  const d = authorize(permissions, r);
  return d.allowed ? true : d.code === 'protected-action' ? 'protected' : false;
};

// SPEC §9 worked examples, one row per alternative ("or") of the table.
describe('authorize: SPEC §9 worked examples', () => {
  it.each<[string, Permission[], AccessRequest, boolean | string]>([
    ['#1', [SOMETHING_PUT], putSomething(), true],
    ['#2 other path', [{ Resource: '/somethingElse', Access: 'PUT' }], putSomething(), false],
    ['#2 other access', [{ Resource: '/something', Access: 'POST' }], putSomething(), false],
    ['#3', [{ Resource: '/*/thing/*', Access: 'PUT' }], req('put', '/some/thing/*'), true],
    ['#4', [SOMETHING_PUT], putSomething(['cluster1']), false],
    ['#5 Cluster', [SOMETHING_PUT, { Cluster: 'CluSter1' }], putSomething(['cluster1']), true],
    ['#5 Cluster ALL', [SOMETHING_PUT, { Cluster: 'ALL' }], putSomething(['cluster1']), true],
    ['#5 legacy', [SOMETHING_PUT, { Resource: '/permissions/clusters/*' }], putSomething(['cluster1']), true],
    ['#6', [SOMETHING_PUT, { Cluster: 'cluster1' }], putSomething(['cluster1', 'cluster2']), false],
    [
      '#7',
      [{ Resource: '/something', Access: 'PUT', Clusters: ['cluster1', 'cluster3', 'cluster2'] }],
      putSomething(['cluster1', 'cluster2']),
      true,
    ],
    [
      '#8',
      [{ Resource: '/something', Access: 'PUT', Clusters: ['cluster3', 'cluster2'] }, { Cluster: 'cluster1' }],
      putSomething(['cluster1', 'cluster2']),
      false,
    ],
    [
      '#9',
      [{ Resource: '/toggle', Access: 'PUT', EnvironmentTypes: ['prod'] }, { EnvironmentType: 'cluster' }],
      req('put', '/toggle', [], ['cluster']),
      false,
    ],
    ['#10', [ADMIN_ALL], req('PUT', '/config/environments/c50', ['infra'], ['cluster']), true],
    [
      '#11',
      [{ Resource: '**/deploy**', Access: 'POST', Clusters: ['Example'], EnvironmentTypes: ['prod'] }],
      req('POST', '/deployments', ['example'], ['prod']),
      true,
    ],
    ['#12', [{ Resource: '/Something', Access: 'ADMIN' }], putSomething(), true],
    [
      '#13',
      [ADMIN_ALL],
      {
        ...req('PUT', '/environments/c50/schedule', ['infra'], ['prod']),
        protectedAction: { action: 'SCHEDULE_ENVIRONMENT', environmentType: 'prod', protectedActions: ['SCHEDULE_ENVIRONMENT'] },
      },
      'protected',
    ],
  ])('%s', (_row, permissions, r, expected) => {
    expect(decide(permissions, r)).toBe(expected);
  });

  it('#13 says the type is protected', () => {
    const d = authorize([ADMIN_ALL], {
      ...req('PUT', '/environments/c50/schedule'),
      protectedAction: { action: 'SCHEDULE_ENVIRONMENT', environmentType: 'prod', protectedActions: ['schedule_environment'] },
    });
    expect(d.allowed ? '' : d.reason).toMatch(/^environment type 'prod' is protected against SCHEDULE_ENVIRONMENT operations/);
  });
});

describe('authorize: rules', () => {
  it.each<[string, Permission[], AccessRequest, boolean]>([
    ['query string ignored', [SOMETHING_PUT], req('PUT', '/something?force=true&x=/other'), true],
    ['trailing slash ignored', [SOMETHING_PUT], req('PUT', '/something/'), true],
    ['both', [{ Resource: '/config/environments/*', Access: 'PUT' }], req('PUT', '/config/environments/c50/?a=1'), true],
    ['query cannot smuggle a path', [{ Resource: '/other', Access: 'PUT' }], req('PUT', '/something?/other'), false],
    ['Clusters all', [{ Resource: '/x', Access: 'PUT', Clusters: 'all', EnvironmentTypes: 'ALL' }], req('PUT', '/x', ['a'], ['t']), true],
    ['Clusters All, types listed', [{ Resource: '/x', Access: 'PUT', Clusters: 'All', EnvironmentTypes: ['T'] }], req('PUT', '/x', ['a'], ['t']), true],
    ['limited: a missing list covers no required type', [{ Resource: '/x', Access: 'PUT', Clusters: 'all' }], req('PUT', '/x', ['a'], ['t']), false],
    ['limited: a missing list is fine when nothing is required', [{ Resource: '/x', Access: 'PUT', Clusters: ['a'] }], req('PUT', '/x', ['a']), true],
    ['limited, nothing required', [{ Resource: '/x', Access: 'PUT', Clusters: ['a'] }], req('PUT', '/x'), true],
    ['limited empty list', [{ Resource: '/x', Access: 'PUT', Clusters: [] }], req('PUT', '/x', ['a']), false],
    ['Cluster all + EnvironmentType all', [{ Resource: '/x', Access: 'PUT' }, { Cluster: 'all' }, { EnvironmentType: 'aLL' }], req('PUT', '/x', ['a', 'b'], ['t']), true],
    ['EnvironmentType grant only', [{ Resource: '/x', Access: 'PUT' }, { EnvironmentType: 'Prod' }], req('PUT', '/x', ['a'], ['prod']), false],
    ['Cluster and EnvironmentType grants', [{ Resource: '/x', Access: 'PUT' }, { Cluster: 'a' }, { EnvironmentType: 'Prod' }], req('PUT', '/x', ['A'], ['prod']), true],
    ['legacy type grant without Access', [{ Resource: '/x', Access: 'PUT' }, { Resource: '/permissions/environmenttypes/PROD' }], req('PUT', '/x', [], ['prod']), true],
    ['legacy grant via /permissions/**', [{ Resource: '/x', Access: 'PUT' }, { Resource: '/permissions/**', Access: 'PUT' }], req('PUT', '/x', ['a'], ['t']), true],
    ['legacy cluster grant does not cover types', [{ Resource: '/x', Access: 'PUT' }, { Resource: '/permissions/clusters/*' }], req('PUT', '/x', ['a'], ['t']), false],
    ['a limited ** is no grant', [{ Resource: '/x', Access: 'PUT' }, { Resource: '**', Access: 'PUT', Clusters: ['a'], EnvironmentTypes: 'all' }], req('PUT', '/x', ['b']), false],
    ['unlimited ** PUT grants every cluster', [{ Resource: '**', Access: 'PUT' }], req('PUT', '/x', ['b'], ['t']), true],
    ['ADMIN on one resource allows any method there', [{ Resource: '/something', Access: 'ADMIN' }], req('DELETE', '/something'), true],
    ['ADMIN on one resource allows PATCH there', [{ Resource: '/something', Access: 'ADMIN' }], req('patch', '/something'), true],
    ['ADMIN on one resource grants nothing else', [{ Resource: '/something', Access: 'ADMIN' }], req('PUT', '/something/else'), false],
    ['ADMIN on one resource is no cluster grant', [{ Resource: '/something', Access: 'ADMIN' }], putSomething(['a']), false],
    ['PATCH permission (ours)', [{ Resource: '/deployments/*', Access: 'PATCH' }], req('PATCH', '/deployments/d1'), true],
    ['PATCH is not PUT', [{ Resource: '/deployments/*', Access: 'PATCH' }], req('PUT', '/deployments/d1'), false],
    ['a GET needs ADMIN (exports)', [{ Resource: '/export', Access: 'POST' }], req('GET', '/export'), false],
    ['an Access-less entry grants no method', [{ Resource: '/x' }], req('PUT', '/x'), false],
    ['several clusters, only some covered', [SOMETHING_PUT, { Cluster: 'a' }, { Cluster: 'c' }], putSomething(['a', 'b', 'c']), false],
    ['several clusters, all covered in any case', [SOMETHING_PUT, { Cluster: 'B' }, { Cluster: 'a' }], putSomething(['A', 'b', 'a']), true],
    ['protectedAction not in the list', [ADMIN_ALL], { ...req('PUT', '/x'), protectedAction: { action: 'SCHEDULE_ENVIRONMENT', environmentType: 't', protectedActions: [] } }, true],
    ['empty permission list', [], req('PUT', '/x'), false],
    ['a blank required cluster is not dropped', [{ Resource: '/x', Access: 'PUT' }, { Cluster: 'a' }], req('PUT', '/x', ['a', '']), false],
    ['a blank required cluster is covered by all', [{ Resource: '/x', Access: 'PUT' }, { Cluster: 'all' }], req('PUT', '/x', ['']), true],
  ])('%s', (_name, permissions, r, expected) => {
    expect(authorize(permissions, r).allowed).toBe(expected);
  });

  it('returns the entries that decided an allow', () => {
    const grant = { Cluster: 'cluster1' };
    expect(authorize([{ Cluster: 'x' }, SOMETHING_PUT, grant], putSomething(['cluster1']))).toEqual({
      allowed: true,
      by: [SOMETHING_PUT, grant],
    });
    expect(authorize([ADMIN_ALL], putSomething(['a'], ['b']))).toEqual({ allowed: true, by: [ADMIN_ALL] });
  });

  it('refuses protected actions to admins', () => {
    const d = authorize([ADMIN_ALL], {
      ...req('PUT', '/environments/c50/schedule'),
      protectedAction: { action: 'SCHEDULE_ENVIRONMENT', environmentType: 'prod', protectedActions: ['SCHEDULE_ENVIRONMENT'] },
    });
    expect(d).toMatchObject({ allowed: false, code: 'protected-action' });
  });
});

describe('authorize: denial reasons', () => {
  const reasonOf = (permissions: Permission[], r: AccessRequest) => {
    const d = authorize(permissions, r);
    return d.allowed ? undefined : { reason: d.reason, missing: d.missing, code: d.code };
  };

  it('names what is needed and the uncovered scope', () => {
    const r = req('put', '/config/environments/c50/', ['infra'], ['prod']);
    expect(reasonOf([{ Resource: '/config/environments/*', Access: 'PUT' }, { EnvironmentType: 'prod' }], r)).toEqual({
      code: 'missing-permission',
      reason: "needs PUT on /config/environments/c50 for cluster 'infra' and environment type 'prod'; you have no permission covering cluster 'infra'",
      missing: { resource: '/config/environments/c50', access: 'PUT', clusters: ['infra'], environmentTypes: [] },
    });
  });

  it('names only the uncovered clusters when several are required', () => {
    const d = reasonOf([SOMETHING_PUT, { Cluster: 'a' }], putSomething(['a', 'b', 'c']));
    expect(d?.missing.clusters).toEqual(['b', 'c']);
    expect(d?.reason).toBe("needs PUT on /something for clusters 'a', 'b', 'c'; you have no permission covering clusters 'b', 'c'");
  });

  it('explains a limited permission that leaves a cluster out (#8)', () => {
    const d = reasonOf(
      [{ Resource: '/something', Access: 'PUT', Clusters: ['cluster3', 'cluster2'] }, { Cluster: 'cluster1' }],
      putSomething(['cluster1', 'cluster2']),
    );
    expect(d?.missing.clusters).toEqual(['cluster1']);
    expect(d?.reason).toBe(
      "needs PUT on /something for clusters 'cluster1', 'cluster2'; your permission PUT on /something is limited to " +
        "clusters 'cluster3', 'cluster2', which leaves out cluster 'cluster1' " +
        '(Cluster and EnvironmentType grants widen only permissions without such limits)',
    );
  });

  it('says when no permission matches the path, and lists the whole requirement', () => {
    expect(reasonOf([], putSomething(['a'], ['t']))).toEqual({
      code: 'missing-permission',
      reason: "needs PUT on /something for cluster 'a' and environment type 't'; none of your permissions matches /something",
      missing: { resource: '/something', access: 'PUT', clusters: ['a'], environmentTypes: ['t'] },
    });
  });

  it('says which methods the path allows when the method is wrong', () => {
    const d = reasonOf([{ Resource: '/something', Access: 'POST' }, { Resource: '/some*', Access: 'DELETE' }], putSomething());
    expect(d?.reason).toBe('needs PUT on /something; your permissions on /something allow only POST, DELETE');
  });

  it('says when entries on the path grant no method', () => {
    expect(reasonOf([{ Resource: '/permissions/**' }], req('PUT', '/permissions/x'))?.reason).toBe(
      'needs PUT on /permissions/x; your permissions on /permissions/x grant no method',
    );
  });

  it('reports the closest limited permission', () => {
    const d = reasonOf(
      [
        { Resource: '/x', Access: 'PUT', Clusters: ['z'], EnvironmentTypes: ['z'] },
        { Resource: '/x', Access: 'PUT', Clusters: ['a'], EnvironmentTypes: 'all' },
      ],
      req('PUT', '/x', ['a', 'b'], ['t']),
    );
    expect(d?.missing).toMatchObject({ clusters: ['b'], environmentTypes: [] });
  });
});

describe('normaliseResource', () => {
  it.each([
    ['/something', '/something'],
    ['/something/', '/something'],
    ['/something//', '/something'],
    ['/something?x=1', '/something'],
    ['/something/?x=/y', '/something'],
    ['/something#frag', '/something'],
    ['/', '/'],
    ['/?x', '/'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseResource(input)).toBe(expected);
  });
});
