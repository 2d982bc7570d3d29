import { beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin } from '@envmgr/app';
import { aTestApp, type TestApp } from '../testing.js';
import { PERMISSION_EXTENSION } from './route-permission.js';

/**
 * Every write route of the OpenAPI document × five actors. A route without a declared permission fails here, so a
 * new write route cannot ship unguarded. The body is empty: an actor who gets past the gate sees a 4xx that is not
 * 401/403 (the body is invalid), one who does not sees 401/403 before the body is read.
 */
const ROLES = {
  reader: [],
  'cluster-scoped': [{ Resource: '/config/**', Access: 'ADMIN', Clusters: ['Infra'], EnvironmentTypes: 'all' }],
  'type-scoped': [{ Resource: '/config/environments**', Access: 'ADMIN', Clusters: 'all', EnvironmentTypes: ['Dev'] }],
} as const;

type Role = 'anonymous' | keyof typeof ROLES | 'admin';

function expected(rule: string, role: Role, path: string): 'pass' | 401 | 403 {
  if (rule === 'public') return 'pass';
  if (role === 'anonymous') return 401;
  if (role === 'admin') return 'pass';
  if (rule === 'signed-in') return 'pass';
  if (rule === 'admin') return 403;
  if (role === 'cluster-scoped') return path.startsWith('/api/v1/config/') ? 'pass' : 403;
  if (role === 'type-scoped') return path.startsWith('/api/v1/config/environments') ? 'pass' : 403;
  return 403;
}

describe('permission matrix of every write route', () => {
  let t: TestApp;
  const headers: Partial<Record<Role, Record<string, string>>> = { anonymous: {} };
  const routes: { method: string; path: string; rule: unknown }[] = [];

  beforeAll(async () => {
    t = aTestApp({ realAuth: true });
    await bootstrapAdmin(t.identity, 'admin-password-1', 'boot');
    const sign = async (username: string, password: string) => ({
      authorization: `Bearer ${(await t.call('POST', '/api/v1/token', { body: { username, password } })).body.token as string}`,
    });
    headers.admin = await sign('admin', 'admin-password-1');
    for (const [role, permissions] of Object.entries(ROLES)) {
      await t.call('POST', '/api/v1/config/users', { body: { UserName: role, Value: {} }, headers: headers.admin });
      if (permissions.length) await t.call('POST', '/api/v1/config/permissions', { body: { Name: role, Permissions: permissions }, headers: headers.admin });
      await t.call('PUT', `/api/v1/users/${role}/password`, { body: { password: `${role}-password-1` }, headers: headers.admin });
      headers[role as Role] = await sign(role, `${role}-password-1`);
    }
    const doc = (await t.call('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, Record<string, unknown>>> };
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (['post', 'put', 'patch', 'delete'].includes(method)) routes.push({ method: method.toUpperCase(), path, rule: op[PERMISSION_EXTENSION] });
      }
    }
  });

  it('finds write routes, and every one declares its permission', () => {
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.filter((r) => typeof r.rule !== 'string').map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it.each(['anonymous', 'reader', 'cluster-scoped', 'type-scoped', 'admin'] as Role[])('gives %s exactly the expected access', async (role) => {
    const wrong: string[] = [];
    for (const r of routes) {
      const path = r.path.replace(/\{[^}]+\}/g, 'x');
      // sign-in routes would count failed attempts; their rule is 'public' and nothing is checked for them here
      if (r.rule === 'public') continue;
      const res = await t.call(r.method, path, r.method === 'DELETE' ? { headers: headers[role] ?? {} } : { raw: '{}', headers: headers[role] ?? {} });
      const want = expected(String(r.rule), role, path);
      const got = res.status === 401 || res.status === 403 ? res.status : 'pass';
      if (got !== want) wrong.push(`${r.method} ${r.path}: expected ${want}, got ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });
});
