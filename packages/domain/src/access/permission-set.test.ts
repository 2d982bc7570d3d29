import { describe, expect, it } from 'vitest';
import type { Permission } from './permission.js';
import { isAdmin, mergePermissionSets } from './permission-set.js';

describe('isAdmin', () => {
  it.each<[string, Permission[], boolean]>([
    ['** ADMIN', [{ Resource: '**', Access: 'ADMIN' }], true],
    ['/** ADMIN', [{ Cluster: 'a' }, { Resource: '/**', Access: 'ADMIN' }], true],
    ['*** ADMIN', [{ Resource: '***', Access: 'ADMIN' }], true],
    ['** ADMIN limited to all', [{ Resource: '**', Access: 'ADMIN', Clusters: 'ALL', EnvironmentTypes: 'all' }], true],
    ['** ADMIN limited to some clusters', [{ Resource: '**', Access: 'ADMIN', Clusters: ['a'], EnvironmentTypes: 'all' }], false],
    ['** ADMIN limited to clusters only', [{ Resource: '**', Access: 'ADMIN', Clusters: 'all' }], false],
    ['** PUT', [{ Resource: '**', Access: 'PUT' }], false],
    ['/config/** ADMIN', [{ Resource: '/config/**', Access: 'ADMIN' }], false],
    ['/* ADMIN', [{ Resource: '/*', Access: 'ADMIN' }], false],
    ['grants only', [{ Cluster: 'all' }, { EnvironmentType: 'all' }], false],
    ['empty', [], false],
  ])('%s → %s', (_name, permissions, expected) => {
    expect(isAdmin(permissions)).toBe(expected);
  });
});

describe('mergePermissionSets', () => {
  it('keeps every distinct entry in order and drops repeats', () => {
    const user: Permission[] = [{ Resource: '/x', Access: 'PUT', Clusters: ['a', 'b'] }, { Cluster: 'infra' }];
    const group1: Permission[] = [
      { Resource: '/X', Access: 'PUT', Clusters: ['B', 'a'] },
      { Cluster: 'Infra' },
      { EnvironmentType: 'prod' },
    ];
    const group2: Permission[] = [
      { Resource: '/x', Access: 'POST', Clusters: ['a', 'b'] },
      { Resource: '/x', Access: 'PUT', Clusters: 'all' },
      { Resource: '/x', Access: 'PUT', Clusters: 'ALL' },
      { Resource: '/x', Access: 'PUT', Clusters: ['a', 'b'], EnvironmentTypes: 'all' },
      { EnvironmentType: 'prod' },
    ];
    expect(mergePermissionSets([user, group1, [], group2])).toEqual([
      user[0],
      user[1],
      group1[2],
      group2[0],
      group2[1],
      group2[3],
    ]);
  });

  it('merges nothing into nothing', () => {
    expect(mergePermissionSets([])).toEqual([]);
    expect(mergePermissionSets([[], []])).toEqual([]);
  });
});
