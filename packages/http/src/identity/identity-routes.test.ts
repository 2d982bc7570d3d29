import { beforeEach, describe, expect, it } from 'vitest';
import { bootstrapAdmin } from '@envmgr/app';
import { aCluster, anEnvironmentType } from '@envmgr/test-support';
import { aTestApp, type TestApp } from '../testing.js';

const PASSWORD = 'correct horse battery';

async function signedIn(t: TestApp, username = 'admin', password = PASSWORD): Promise<Record<string, string>> {
  const r = await t.call('POST', '/api/v1/token', { body: { username, password } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return { authorization: `Bearer ${r.body.token as string}` };
}

describe('sign-in, tokens and permissions over HTTP', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  beforeEach(async () => {
    t = aTestApp({ realAuth: true });
    await bootstrapAdmin(t.identity, PASSWORD, 'boot');
    admin = await signedIn(t);
  });

  it('needs a signed-in user for reads; health and OpenAPI stay open', async () => {
    expect((await t.call('GET', '/api/v1/config/clusters')).status).toBe(401);
    expect((await t.call('GET', '/api/v1/config/clusters')).body.code).toBe('login-required');
    expect((await t.call('GET', '/api/v1/diagnostics/healthcheck')).status).toBe(200);
    expect((await t.app.request('/api/openapi.json')).status).toBe(200);
    expect((await t.call('GET', '/api/v1/config/clusters', { headers: admin })).status).toBe(200);
  });

  it('answers an unknown user and a wrong password alike', async () => {
    const wrong = await t.call('POST', '/api/v1/login', { body: { username: 'admin', password: 'nope' } });
    const unknown = await t.call('POST', '/api/v1/login', { body: { username: 'ghost', password: 'nope' } });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.body.code).toBe('invalid-credentials');
  });

  it('sets an HttpOnly SameSite=Strict session cookie that authenticates later requests', async () => {
    const r = await t.app.request('/api/v1/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
    const cookie = r.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^environmentmanager=[^;]+;.*HttpOnly/);
    expect(cookie).toContain('SameSite=Strict');
    const who = await t.call('GET', '/api/v1/whoami', { headers: { cookie: cookie.split(';')[0] ?? '' } });
    expect(who.body).toMatchObject({ name: 'admin', kind: 'user', isAdmin: true });
  });

  it('rejects a tampered token with 401 token-invalid', async () => {
    const r = await t.call('GET', '/api/v1/whoami', { headers: { authorization: 'Bearer not-a-token' } });
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('token-invalid');
  });

  it('rate-limits repeated wrong passwords, and lets the right one in after the back-off', async () => {
    let throttled = 0;
    for (let i = 0; i < 1000; i++) {
      const r = await t.call('POST', '/api/v1/login', { body: { username: 'admin', password: `wrong-${i}` } });
      if (r.status === 429) {
        throttled++;
        expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
        t.clock.advance(1000);
      } else expect(r.status).toBe(401);
    }
    expect(throttled).toBeGreaterThan(900);
    const early = await t.call('POST', '/api/v1/login', { body: { username: 'admin', password: PASSWORD } });
    expect(early.status).toBe(429);
    t.clock.advance(10 * 60_000);
    expect((await t.call('POST', '/api/v1/login', { body: { username: 'admin', password: PASSWORD } })).status).toBe(200);
  });

  it('creates API tokens shown once, usable as Bearer, revocable', async () => {
    const created = await t.call('POST', '/api/v1/tokens', { body: { name: 'ci' }, headers: admin });
    expect(created.status).toBe(201);
    const secret = created.body.token as string;
    expect(secret).toMatch(/^emt_/);
    const listed = await t.call('GET', '/api/v1/tokens', { headers: admin });
    expect(JSON.stringify(listed.body)).not.toContain(secret.split('_')[2]);
    expect(listed.body[0]).not.toHaveProperty('secretHash');
    const bearer = { authorization: `Bearer ${secret}` };
    expect((await t.call('GET', '/api/v1/whoami', { headers: bearer })).body.name).toBe(`admin/token:${created.body.id as string}`);
    expect((await t.call('POST', '/api/v1/config/clusters', { body: aCluster(), headers: bearer })).status).toBe(201);
    const audit = await t.call('GET', '/api/v1/audit?entityType=clusters', { headers: admin });
    expect(audit.body[0].actor).toBe(`admin/token:${created.body.id as string}`);
    expect((await t.call('DELETE', `/api/v1/tokens/${created.body.id as string}`, { headers: admin })).status).toBe(204);
    const revoked = await t.call('GET', '/api/v1/whoami', { headers: bearer });
    expect([revoked.status, revoked.body.code]).toEqual([401, 'token-revoked']);
  });

  it('limits a token to the permissions it was given', async () => {
    const created = await t.call('POST', '/api/v1/tokens', { body: { name: 'clusters only', permissions: [{ Resource: '/config/clusters', Access: 'POST' }] }, headers: admin });
    const bearer = { authorization: `Bearer ${created.body.token as string}` };
    expect((await t.call('POST', '/api/v1/config/clusters', { body: aCluster(), headers: bearer })).status).toBe(201);
    const denied = await t.call('POST', '/api/v1/config/environment-types', { body: anEnvironmentType(), headers: bearer });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('permission-denied');
  });

  it('checks cluster-scoped permissions on writes and names what is missing', async () => {
    for (const [type, body] of [['clusters', aCluster('Infra')], ['clusters', aCluster('Web')], ['environment-types', anEnvironmentType()], ['users', { UserName: 'bob', Value: {} }]] as const) {
      expect((await t.call('POST', `/api/v1/config/${type}`, { body, headers: admin })).status).toBe(201);
    }
    await t.call('POST', '/api/v1/config/permissions', { body: { Name: 'bob', Permissions: [{ Resource: '/config/environments**', Access: 'ADMIN', Clusters: ['infra'], EnvironmentTypes: 'all' }] }, headers: admin });
    await t.call('PUT', '/api/v1/users/bob/password', { body: { password: 'bobs-long-password' }, headers: admin });
    const bob = await signedIn(t, 'bob', 'bobs-long-password');
    const ok = await t.call('POST', '/api/v1/config/environments', { body: { EnvironmentName: 'e1', Value: { EnvironmentType: 'Dev', OwningCluster: 'Infra' } }, headers: bob });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const denied = await t.call('POST', '/api/v1/config/environments', { body: { EnvironmentName: 'e2', Value: { EnvironmentType: 'Dev', OwningCluster: 'Web' } }, headers: bob });
    expect(denied.status).toBe(403);
    expect(denied.body.missing).toMatchObject({ resource: '/config/environments', clusters: ['Web'] });
    const moved = await t.call('PUT', '/api/v1/config/environments/e1', { body: { EnvironmentName: 'e1', Value: { EnvironmentType: 'Dev', OwningCluster: 'Web' } }, headers: { ...bob, 'if-match': '"1"' } });
    expect(moved.status).toBe(403);
    expect((await t.call('GET', '/api/v1/config/users', { headers: bob })).status).toBe(403);
    expect((await t.call('GET', '/api/v1/config/users/bob', { headers: bob })).status).toBe(200);
    expect((await t.call('GET', '/api/v1/config/export', { headers: bob })).status).toBe(403);
  });

  it('never shows password hashes or token secrets in responses, audit or exports', async () => {
    await t.call('POST', '/api/v1/config/users', { body: { UserName: 'carol', Value: {} }, headers: admin });
    await t.call('PUT', '/api/v1/users/carol/password', { body: { password: 'carols-secret-password' }, headers: admin });
    const token = (await t.call('POST', '/api/v1/tokens', { body: { name: 'x' }, headers: admin })).body.token as string;
    const seen = JSON.stringify([
      (await t.call('GET', '/api/v1/config/export', { headers: admin })).body,
      (await t.call('GET', '/api/v1/audit', { headers: admin })).body,
      (await t.call('GET', '/api/v1/security-events', { headers: admin })).body,
      (await t.call('GET', '/api/v1/tokens', { headers: admin })).body,
      (await t.call('POST', '/api/v1/login', { body: { username: 'carol', password: 'wrong-but-secret-guess' } })).body,
      t.logs,
      t.errors,
    ]);
    expect(t.logs.length).toBeGreaterThan(5);
    for (const secret of ['carols-secret-password', 'wrong-but-secret-guess', PASSWORD, token, token.slice(token.indexOf('_', 4) + 1)]) expect(seen).not.toContain(secret);
  });
});

describe('policy simulator', () => {
  it('two servers bootstrapping one store at the same moment: one administrator, the other stands aside', async () => {
    const t2 = aTestApp({ realAuth: true });
    const [a, b] = await Promise.all([bootstrapAdmin(t2.identity, PASSWORD, 'one'), bootstrapAdmin(t2.identity, 'another password 12', 'two')]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect((await t2.store.list('users', { limit: 10 })).map((u) => u.key)).toEqual(['admin']);
    const winner = a ? PASSWORD : 'another password 12';
    expect((await t2.call('POST', '/api/v1/token', { body: { username: 'admin', password: winner } })).status).toBe(200);
  });

  it('explains a decision for given entries, a user or a group', async () => {
    const t = aTestApp({ realAuth: true });
    await bootstrapAdmin(t.identity, PASSWORD, 'boot');
    const admin = await signedIn(t);
    const request = { method: 'PUT', resource: '/config/environments/c50', clusters: ['infra'], environmentTypes: ['prod'] };
    const allowed = await t.call('POST', '/api/v1/permissions/evaluate', { body: { permissions: [{ Resource: '/config/environments/*', Access: 'PUT', Clusters: ['Infra'], EnvironmentTypes: 'all' }], request }, headers: admin });
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(200);
    expect(allowed.body).toMatchObject({ allowed: true, deciding: [{ index: 0, role: 'resource' }] });
    const denied = await t.call('POST', '/api/v1/permissions/evaluate', { body: { permissions: [{ Resource: '/config/environments/*', Access: 'POST' }], request }, headers: admin });
    expect(denied.body).toMatchObject({ allowed: false, nearMisses: [{ index: 0, mismatch: 'access' }] });
    const byUser = await t.call('POST', '/api/v1/permissions/evaluate', { body: { user: 'admin', request }, headers: admin });
    expect(byUser.body.allowed).toBe(true);
    expect((await t.call('POST', '/api/v1/permissions/evaluate', { body: { user: 'ghost', request }, headers: admin })).status).toBe(404);
    expect((await t.call('POST', '/api/v1/permissions/evaluate', { body: { request }, headers: admin })).status).toBe(400);
  });
});

describe('the last administrator', () => {
  it('cannot be deleted, disabled or stripped of ADMIN while no one else is an administrator', async () => {
    const t = aTestApp({ realAuth: true });
    await bootstrapAdmin(t.identity, PASSWORD, 'boot');
    const admin = await signedIn(t);
    const v = { 'if-match': '"1"', ...admin };
    const del = await t.call('DELETE', '/api/v1/config/users/admin', { headers: v });
    expect(del.status).toBe(409);
    expect(del.body.code).toBe('last-admin');
    expect(del.body.detail).toContain('would leave no enabled administrator');
    expect((await t.call('PUT', '/api/v1/config/users/admin', { body: { UserName: 'admin', Value: { Groups: ['Administrators'], Disabled: true } }, headers: v })).status).toBe(409);
    expect((await t.call('PUT', '/api/v1/config/permissions/Administrators', { body: { Name: 'Administrators', Permissions: [{ Resource: '/config/**', Access: 'PUT' }] }, headers: v })).status).toBe(409);
    await t.call('POST', '/api/v1/config/users', { body: { UserName: 'second', Value: { Groups: ['Administrators'] } }, headers: admin });
    expect((await t.call('DELETE', '/api/v1/config/users/admin', { headers: v })).status).toBe(204);
  });
});

describe('credentials edge cases', () => {
  it('lets a caller with a stale cookie sign in again, and says why protected routes refuse it', async () => {
    const t = aTestApp({ realAuth: true });
    await bootstrapAdmin(t.identity, PASSWORD, 'boot');
    const stale = { cookie: 'environmentmanager=garbage', 'content-type': 'application/json' };
    const login = await t.app.request('/api/v1/login', { method: 'POST', headers: stale, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
    expect(login.status).toBe(200);
    expect((await t.app.request('/api/v1/diagnostics/healthcheck', { headers: stale })).status).toBe(200);
    const who = await t.call('GET', '/api/v1/whoami', { headers: { cookie: 'environmentmanager=garbage' } });
    expect([who.status, who.body.code]).toEqual([401, 'token-invalid']);
    expect((await t.call('POST', '/api/v1/logout')).status).toBe(204);
  });

  it('keeps tokens from managing credentials, and forgets a deleted user\'s password and tokens', async () => {
    const t = aTestApp({ realAuth: true });
    await bootstrapAdmin(t.identity, PASSWORD, 'boot');
    const admin = await signedIn(t);
    const tok = await t.call('POST', '/api/v1/tokens', { body: { name: 'logs only', permissions: [{ Resource: '/logs/**', Access: 'PUT' }] }, headers: admin });
    const bearer = { authorization: `Bearer ${tok.body.token as string}` };
    const pw = await t.call('PUT', '/api/v1/users/admin/password', { body: { password: 'a-new-password-123' }, headers: bearer });
    expect([pw.status, pw.body.code]).toEqual([403, 'token-cannot-mint']);
    expect((await t.call('POST', '/api/v1/tokens', { body: { name: 'x', permissions: [{ Cluster: 5 }] }, headers: admin })).status).toBe(400);
    await t.call('POST', '/api/v1/config/users', { body: { UserName: 'dave', Value: {} }, headers: admin });
    await t.call('PUT', '/api/v1/users/dave/password', { body: { password: 'daves-password-1' }, headers: admin });
    expect((await t.call('DELETE', '/api/v1/config/users/dave', { headers: { ...admin, 'if-match': '"1"' } })).status).toBe(204);
    await t.call('POST', '/api/v1/config/users', { body: { UserName: 'dave', Value: {} }, headers: admin });
    expect((await t.call('POST', '/api/v1/token', { body: { username: 'dave', password: 'daves-password-1' } })).status).toBe(401);
  });

  it('refuses an import that would remove every administrator, and hides private audit content from non-admins', async () => {
    const t = aTestApp({ realAuth: true });
    await bootstrapAdmin(t.identity, PASSWORD, 'boot');
    const admin = await signedIn(t);
    const wipe = { format: 'envmgr-config', formatVersion: 1, items: { users: [{ UserName: 'nobody', Value: {}, Version: 1 }] } };
    const r = await t.call('POST', '/api/v1/config/import?mode=replace', { body: wipe, headers: admin });
    expect([r.status, r.body.code]).toEqual([409, 'last-admin']);
    await t.call('POST', '/api/v1/config/users', { body: { UserName: 'erin', Value: {} }, headers: admin });
    await t.call('PUT', '/api/v1/users/erin/password', { body: { password: 'erins-password-1' }, headers: admin });
    const erin = await signedIn(t, 'erin', 'erins-password-1');
    const audit = await t.call('GET', '/api/v1/audit?entityType=permissions', { headers: erin });
    expect(audit.body.length).toBeGreaterThan(0);
    expect(audit.body.every((x: { after: unknown }) => x.after === null)).toBe(true);
    expect((await t.call('GET', '/api/v1/audit?entityType=permissions', { headers: admin })).body[0].after).not.toBeNull();
  });
});
