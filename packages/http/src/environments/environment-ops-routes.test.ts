import { beforeEach, describe, expect, it } from 'vitest';
import { bootstrapAdmin } from '@envmgr/app';
import { anEnvironment, twoTeamsEstate } from '@envmgr/test-support';
import { aTestApp, seedOverApi, type TestApp } from '../testing.js';

const C = '/api/v1/config';
const E = '/api/v1/environments';
const AT = '2026-11-23T12:00:00.000Z';

const seed = (t: TestApp, headers: Record<string, string> = {}) => seedOverApi(t, twoTeamsEstate(), headers);

const as = (user: string) => ({ 'x-test-user': user });

describe('deploy lock', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = aTestApp();
    await seed(t);
  });

  it('is unlocked until someone locks it', async () => {
    const r = await t.call('GET', `${E}/c50/deploy-lock`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ environment: 'c50', locked: false });
  });

  it('locks, naming who, when and why; the audit records who and the request', async () => {
    const r = await t.call('PUT', `${E}/c50/deploy-lock`, { body: { reason: 'release freeze' }, headers: { ...as('alice'), 'x-request-id': 'req-lock-1' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const lock = { environment: 'c50', locked: true, lockedBy: 'alice', lockedAt: AT, reason: 'release freeze' };
    expect(r.body).toEqual(lock);
    expect((await t.call('GET', `${E}/c50/deploy-lock`)).body).toEqual(lock);
    const audit = await t.call('GET', '/api/v1/audit?entityType=environment-ops&key=c50');
    expect(audit.body).toHaveLength(1);
    expect(audit.body[0]).toMatchObject({ actor: 'alice', requestId: 'req-lock-1', changeType: 'Created', version: 1 });
    expect(audit.body[0].after).toEqual({ EnvironmentName: 'c50', Value: { DeploymentsLocked: true, DeploymentLock: { By: 'alice', At: AT, Reason: 'release freeze' } } });
    expect((await t.call('GET', `${C}/environment-ops/c50`)).body.Version).toBe(1);
  });

  it('keeps who locked it when locked again, replacing only a given reason; a no-op writes nothing', async () => {
    await t.call('PUT', `${E}/c50/deploy-lock`, { body: { reason: 'freeze' }, headers: as('alice') });
    t.clock.advance(60_000);
    const again = await t.call('PUT', `${E}/c50/deploy-lock`, { body: { reason: 'incident 42' }, headers: as('bob') });
    expect(again.body).toEqual({ environment: 'c50', locked: true, lockedBy: 'alice', lockedAt: AT, reason: 'incident 42' });
    const same = await t.call('PUT', `${E}/c50/deploy-lock`, { body: {}, headers: as('carol') });
    expect(same.body.reason).toBe('incident 42');
    const history = await t.call('GET', `${C}/environment-ops/c50/history`);
    expect(history.body.map((h: { actor: string; version: number }) => `${h.actor}@${h.version}`)).toEqual(['bob@2', 'alice@1']);
  });

  it('unlocks, and unlocking an unlocked environment changes nothing', async () => {
    await t.call('PUT', `${E}/c50/deploy-lock`, { body: { reason: 'freeze' }, headers: as('alice') });
    const r = await t.call('DELETE', `${E}/c50/deploy-lock`, { headers: as('bob') });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ environment: 'c50', locked: false });
    expect((await t.call('DELETE', `${E}/c50/deploy-lock`)).body).toEqual({ environment: 'c50', locked: false });
    expect((await t.call('DELETE', `${E}/w1/deploy-lock`)).status).toBe(200);
    const history = await t.call('GET', `${C}/environment-ops/c50/history`);
    expect(history.body.map((h: { actor: string }) => h.actor)).toEqual(['bob', 'alice']);
    expect((await t.call('GET', `${C}/environment-ops/w1`)).status).toBe(404);
  });

  it('answers 404 for an unknown environment, on reads and writes', async () => {
    for (const [method, path] of [
      ['GET', 'nope/deploy-lock'],
      ['PUT', 'nope/deploy-lock'],
      ['DELETE', 'nope/deploy-lock'],
      ['GET', 'nope/maintenance'],
      ['PUT', 'nope/maintenance'],
      ['GET', 'nope/ops'],
      ['GET', 'nope/protected?action=SCHEDULE_ENVIRONMENT'],
    ] as const) {
      const body = method === 'PUT' ? { body: path.endsWith('maintenance') ? { inMaintenance: true } : {} } : {};
      const r = await t.call(method, `${E}/${path}`, body);
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.body).toMatchObject({ code: 'not-found', key: 'nope', detail: "environment 'nope' does not exist" });
    }
    expect((await t.call('GET', `${C}/environment-ops`)).body).toEqual([]);
  });

  it('locks without a body too (curl -X PUT), but needs inMaintenance for maintenance', async () => {
    const r = await t.app.request(`${E}/c50/deploy-lock`, { method: 'PUT', headers: as('alice') });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ environment: 'c50', locked: true, lockedBy: 'alice', lockedAt: AT });
    const m = await t.app.request(`${E}/c50/maintenance`, { method: 'PUT' });
    expect(m.status).toBe(400);
  });

  it('validates the body', async () => {
    const long = await t.call('PUT', `${E}/c50/deploy-lock`, { body: { reason: 'x'.repeat(501) } });
    expect(long.status).toBe(400);
    expect(long.body.errors[0].path).toBe('reason');
    const unknown = await t.call('PUT', `${E}/c50/deploy-lock`, { body: { locked: true } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].message).toContain('allowed fields: reason');
    expect((await t.call('PUT', `${E}/c-50/deploy-lock`, { body: {} })).status).toBe(400);
  });
});

describe('maintenance', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = aTestApp();
    await seed(t);
  });

  it('goes on and off, keeping the deploy lock', async () => {
    await t.call('PUT', `${E}/c50/deploy-lock`, { body: { reason: 'freeze' }, headers: as('alice') });
    const on = await t.call('PUT', `${E}/c50/maintenance`, { body: { inMaintenance: true, reason: 'disk swap' }, headers: as('bob') });
    expect(on.status).toBe(200);
    expect(on.body).toEqual({ environment: 'c50', inMaintenance: true, setBy: 'bob', setAt: AT, reason: 'disk swap' });
    expect((await t.call('GET', `${E}/c50/maintenance`)).body).toEqual(on.body);
    const off = await t.call('PUT', `${E}/c50/maintenance`, { body: { inMaintenance: false, reason: 'ignored' } });
    expect(off.body).toEqual({ environment: 'c50', inMaintenance: false });
    expect((await t.call('GET', `${E}/c50/deploy-lock`)).body).toMatchObject({ locked: true, lockedBy: 'alice' });
    expect((await t.call('PUT', `${E}/c50/maintenance`, { body: {} })).status).toBe(400);
  });

  it('loses neither change when a lock and maintenance are set at the same time', async () => {
    const [lock, maintenance] = await Promise.all([
      t.call('PUT', `${E}/c50/deploy-lock`, { body: { reason: 'freeze' }, headers: as('alice') }),
      t.call('PUT', `${E}/c50/maintenance`, { body: { inMaintenance: true }, headers: as('bob') }),
    ]);
    expect([lock.status, maintenance.status]).toEqual([200, 200]);
    const ops = await t.call('GET', `${E}/c50/ops`);
    expect(ops.body).toEqual({
      environment: 'c50',
      deployLock: { locked: true, lockedBy: 'alice', lockedAt: AT, reason: 'freeze' },
      maintenance: { inMaintenance: true, setBy: 'bob', setAt: AT },
      schedule: { manualScheduleUp: false, scheduleAutomatically: false },
      version: 2,
    });
  });

  it('shows the schedule flags of the ops record', async () => {
    const record = { EnvironmentName: 'c50', Value: { ScheduleAutomatically: true, DefaultSchedule: 'start: 0 8 * * 1-5; stop: 0 19 * * 1-5' } };
    expect((await t.call('POST', `${C}/environment-ops`, { body: record })).status).toBe(201);
    const ops = await t.call('GET', `${E}/c50/ops`);
    expect(ops.body).toEqual({
      environment: 'c50',
      deployLock: { locked: false },
      maintenance: { inMaintenance: false },
      schedule: { manualScheduleUp: false, scheduleAutomatically: true, defaultSchedule: 'start: 0 8 * * 1-5; stop: 0 19 * * 1-5' },
      version: 1,
    });
  });
});

describe('protected actions', () => {
  it("answers from the environment type's ProtectedActions", async () => {
    const t = aTestApp();
    await seed(t);
    expect((await t.call('GET', `${E}/w1/protected?action=SCHEDULE_ENVIRONMENT`)).body).toEqual({ environment: 'w1', action: 'SCHEDULE_ENVIRONMENT', isProtected: true });
    expect((await t.call('GET', `${E}/w1/protected?action=IGNORE_ASG_INSTANCES`)).body.isProtected).toBe(false);
    expect((await t.call('GET', `${E}/c50/protected?action=SCHEDULE_ENVIRONMENT`)).body.isProtected).toBe(false);
    const bad = await t.call('GET', `${E}/c50/protected?action=DELETE_EVERYTHING`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('query.action');
    expect((await t.call('GET', `${E}/c50/protected`)).status).toBe(400);
  });
});

describe('the ops record as configuration', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = aTestApp();
    await seed(t);
  });

  it('refuses a record that names who locked an unlocked environment', async () => {
    const r = await t.call('POST', `${C}/environment-ops`, { body: { EnvironmentName: 'c50', Value: { DeploymentLock: { By: 'x', At: AT } } } });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].path).toBe('Value.DeploymentLock');
    const dangling = await t.call('POST', `${C}/environment-ops`, { body: { EnvironmentName: 'zz', Value: {} } });
    expect(dangling.status).toBe(400);
    expect(dangling.body.errors[0].message).toBe("environment 'zz' does not exist");
  });

  it('lists locked environments with a filter', async () => {
    await t.call('PUT', `${E}/c50/deploy-lock`, { body: {} });
    await t.call('PUT', `${E}/w1/maintenance`, { body: { inMaintenance: true } });
    const locked = await t.call('GET', `${C}/environment-ops?deploymentsLocked=true`);
    expect(locked.body.map((i: { EnvironmentName: string }) => i.EnvironmentName)).toEqual(['c50']);
    const inMaintenance = await t.call('GET', `${C}/environment-ops?inMaintenance=true`);
    expect(inMaintenance.body.map((i: { EnvironmentName: string }) => i.EnvironmentName)).toEqual(['w1']);
  });

  it('is exported, and an import into an empty server restores it', async () => {
    await t.call('PUT', `${E}/c50/deploy-lock`, { body: { reason: 'freeze' }, headers: as('alice') });
    await t.call('PUT', `${E}/c50/maintenance`, { body: { inMaintenance: true }, headers: as('bob') });
    const text = await (await t.app.request(`${C}/export`)).text();
    const doc = JSON.parse(text) as { items: Record<string, unknown[]> };
    expect(Object.keys(doc.items).indexOf('environment-ops')).toBe(Object.keys(doc.items).indexOf('environments') + 1);
    expect(doc.items['environment-ops']).toEqual([
      {
        EnvironmentName: 'c50',
        Value: { DeploymentsLocked: true, DeploymentLock: { By: 'alice', At: AT, Reason: 'freeze' }, EnvironmentInMaintenance: true, Maintenance: { By: 'bob', At: AT } },
        Version: 2,
      },
    ]);
    const fresh = aTestApp();
    const imported = await fresh.call('POST', `${C}/import`, { raw: text });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect((await fresh.call('GET', `${E}/c50/deploy-lock`)).body).toEqual({ environment: 'c50', locked: true, lockedBy: 'alice', lockedAt: AT, reason: 'freeze' });
    expect((await fresh.call('GET', `${E}/c50/ops`)).body).toMatchObject({ maintenance: { inMaintenance: true, setBy: 'bob' }, version: 2 });
    expect(await (await fresh.app.request(`${C}/export`)).text()).toBe(text);
  });

  it('is deleted with its environment, in the same audited request', async () => {
    await t.call('PUT', `${E}/w1/deploy-lock`, { body: { reason: 'freeze' } });
    const del = await t.call('DELETE', `${C}/environments/w1`, { headers: { 'if-match': '"1"', 'x-request-id': 'req-del-1', ...as('carol') } });
    expect(del.status, JSON.stringify(del.body)).toBe(204);
    expect((await t.call('GET', `${C}/environment-ops/w1`)).status).toBe(404);
    expect((await t.call('GET', `${E}/w1/deploy-lock`)).status).toBe(404);
    const audit = await t.call('GET', '/api/v1/audit?actor=carol');
    expect(audit.body.map((r: { entityType: string; changeType: string; requestId: string }) => `${r.entityType} ${r.changeType} ${r.requestId}`)).toEqual([
      'environments Deleted req-del-1',
      'environment-ops Deleted req-del-1',
    ]);
    expect((await t.call('GET', '/api/v1/audit/verify')).body.ok).toBe(true);
  });

  it('is deleted with its environment by an import in replace mode that drops the environment', async () => {
    await t.call('PUT', `${E}/w1/deploy-lock`, { body: {} });
    const environments = [{ ...anEnvironment(), Version: 1 }];
    const r = await t.call('POST', `${C}/import?mode=replace`, { body: { format: 'envmgr-config', formatVersion: 1, items: { environments } } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.changes).toEqual(
      expect.arrayContaining([
        { op: 'delete', type: 'environments', key: 'w1', fromVersion: 1 },
        { op: 'delete', type: 'environment-ops', key: 'w1', fromVersion: 1 },
      ]),
    );
    expect((await t.call('GET', `${C}/environment-ops/w1`)).status).toBe(404);
  });
});

describe('who may lock and put in maintenance', () => {
  let t: TestApp;
  const headers: Record<string, Record<string, string>> = {};

  beforeEach(async () => {
    t = aTestApp({ realAuth: true });
    await bootstrapAdmin(t.identity, 'admin-password-1', 'boot');
    const sign = async (username: string, password: string) => ({
      authorization: `Bearer ${(await t.call('POST', '/api/v1/token', { body: { username, password } })).body.token as string}`,
    });
    headers.admin = await sign('admin', 'admin-password-1');
    await seed(t, headers.admin);
    const roles = {
      // locks and maintenance of the Infra cluster's environments, of every type
      'infra-ops': [{ Resource: '/environments/*/{deploy-lock,maintenance}', Access: 'ADMIN', Clusters: ['Infra'], EnvironmentTypes: 'all' }],
      reader: [],
    };
    for (const [user, permissions] of Object.entries(roles)) {
      await t.call('POST', `${C}/users`, { body: { UserName: user, Value: {} }, headers: headers.admin });
      if (permissions.length) await t.call('POST', `${C}/permissions`, { body: { Name: user, Permissions: permissions }, headers: headers.admin });
      await t.call('PUT', `/api/v1/users/${user}/password`, { body: { password: `${user}-password-1` }, headers: headers.admin });
      headers[user] = await sign(user, `${user}-password-1`);
    }
  });

  it("allows a user with a permission for the environment's cluster", async () => {
    const r = await t.call('PUT', `${E}/c50/deploy-lock`, { body: { reason: 'mine' }, headers: headers['infra-ops'] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.lockedBy).toBe('infra-ops');
    expect((await t.call('PUT', `${E}/c50/maintenance`, { body: { inMaintenance: true }, headers: headers['infra-ops'] })).status).toBe(200);
    expect((await t.call('DELETE', `${E}/c50/deploy-lock`, { headers: headers['infra-ops'] })).status).toBe(200);
  });

  it("refuses with 403 on another cluster's environment, naming the missing cluster", async () => {
    for (const [method, path, body] of [
      ['PUT', 'w1/deploy-lock', {}],
      ['DELETE', 'w1/deploy-lock', undefined],
      ['PUT', 'w1/maintenance', { inMaintenance: true }],
    ] as const) {
      const r = await t.call(method, `${E}/${path}`, { headers: headers['infra-ops'], ...(body ? { body } : {}) });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body).toMatchObject({ code: 'permission-denied', missing: { clusters: ['Web'] } });
    }
    expect((await t.call('GET', `${E}/w1/ops`, { headers: headers.admin })).body).toMatchObject({ deployLock: { locked: false }, maintenance: { inMaintenance: false } });
  });

  it('refuses 403 to a signed-in user without permissions, 401 to nobody; both may not write, signed-in users may read', async () => {
    expect((await t.call('PUT', `${E}/c50/deploy-lock`, { body: {}, headers: headers.reader })).status).toBe(403);
    expect((await t.call('PUT', `${E}/c50/deploy-lock`, { body: {} })).status).toBe(401);
    expect((await t.call('GET', `${E}/c50/deploy-lock`)).status).toBe(401);
    expect((await t.call('GET', `${E}/c50/deploy-lock`, { headers: headers.reader })).status).toBe(200);
  });

  it('lets an administrator lock any environment', async () => {
    expect((await t.call('PUT', `${E}/w1/deploy-lock`, { body: {}, headers: headers.admin })).body).toMatchObject({ locked: true, lockedBy: 'admin' });
  });
});
