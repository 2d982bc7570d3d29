import { describe, expect, it } from 'vitest';
import type { WhoAmI } from '@envmgr/api-contract';
import { canWrite } from './permissions.js';

const user = (permissions: Record<string, unknown>[], extra: Partial<WhoAmI> = {}): WhoAmI => ({ name: 'u', kind: 'user', user: 'u', isAdmin: false, permissions, ...extra });

describe('canWrite (SPEC §9 resource and access matching)', () => {
  it.each([
    [[{ Resource: '/something', Access: 'PUT' }], 'PUT', '/something', true],
    [[{ Resource: '/somethingElse', Access: 'PUT' }], 'PUT', '/something', false],
    [[{ Resource: '/something', Access: 'POST' }], 'PUT', '/something', false],
    [[{ Resource: '/*/thing/*', Access: 'PUT' }], 'PUT', '/some/thing/x', true],
    [[{ Resource: '/*/thing/*', Access: 'PUT' }], 'PUT', '/some/other/thing/x', false],
    [[{ Resource: '/Something', Access: 'ADMIN' }], 'PUT', '/something', true],
    [[{ Resource: '**/deploy**', Access: 'POST', Clusters: ['Example'], EnvironmentTypes: ['prod'] }], 'POST', '/deployments', true],
    [[{ Resource: '/environments/{dev1,dev2}/deploy-lock', Access: 'PUT' }], 'PUT', '/environments/dev2/deploy-lock', true],
    [[{ Resource: '/environments/dev?/deploy-lock', Access: 'PUT' }], 'PUT', '/environments/dev10/deploy-lock', false],
    [[{ Cluster: 'all' }], 'POST', '/deployments', false],
    [[], 'POST', '/deployments', false],
  ])('%j %s %s → %s', (permissions, method, resource, expected) => {
    expect(canWrite(user(permissions), method as 'PUT', resource)).toBe(expected);
  });

  it('lets administrators do anything, and nobody when signed out', () => {
    expect(canWrite(user([], { isAdmin: true }), 'DELETE', '/config/clusters/x')).toBe(true);
    expect(canWrite(undefined, 'POST', '/deployments')).toBe(false);
    expect(canWrite(user([{ Resource: '**', Access: 'ADMIN' }], { kind: 'anonymous' }), 'POST', '/deployments')).toBe(false);
  });

  it('limits an API token to its own permissions', () => {
    const who = user([{ Resource: '**', Access: 'ADMIN' }], { kind: 'token', tokenPermissions: [{ Resource: '/deployments', Access: 'POST' }] });
    expect(canWrite(who, 'POST', '/deployments')).toBe(true);
    expect(canWrite(who, 'PUT', '/environments/dev1/deploy-lock')).toBe(false);
  });
});
