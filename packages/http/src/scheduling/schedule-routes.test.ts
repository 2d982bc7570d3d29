import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryCompute, createMemoryScheduleActionLog, type MemoryCompute } from '@envmgr/adapter-memory';
import { bootstrapAdmin } from '@envmgr/app';
import type { GroupSpec, ScheduleActionLog, ScheduleActionRecord } from '@envmgr/ports';
import { twoTeamsEstate } from '@envmgr/test-support';
import { aTestApp, seedOverApi, type TestApp } from '../testing.js';

const C = '/api/v1/config';
const E = '/api/v1/environments';
const NINE_TO_FIVE = 'start: 0 9 * * 1-5; stop: 0 17 * * 1-5';
// the test app's clock: Monday 2026-11-23 12:00 UTC

const seed = (t: TestApp, headers: Record<string, string> = {}) => seedOverApi(t, twoTeamsEstate(), headers);

const groupSpec = (name: string, env: string, desired: number): GroupSpec => ({
  name,
  tags: { Environment: env, OwningCluster: 'Infra', Role: 'Web' },
  size: { min: 0, desired, max: 5 },
  launch: { image: 'Ubuntu-22.04.1', instanceType: 't3.small', subnetType: 'PrivateApp', securityZone: 'Other', instanceProfile: 'roleInfraWeb', volumes: [] },
});

describe('schedule settings: GET/PUT /environments/{name}/schedule', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = aTestApp();
    await seed(t);
  });

  it('has every flag false until changed; a change is audited through the ops record', async () => {
    expect((await t.call('GET', `${E}/c50/schedule`)).body).toEqual({ environment: 'c50', manualScheduleUp: false, scheduleAutomatically: false });
    const r = await t.call('PUT', `${E}/c50/schedule`, { body: { scheduleAutomatically: true, defaultSchedule: NINE_TO_FIVE }, headers: { 'x-test-user': 'alice', 'x-request-id': 'req-s1' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ environment: 'c50', manualScheduleUp: false, scheduleAutomatically: true, defaultSchedule: NINE_TO_FIVE, version: 1 });
    const audit = await t.call('GET', '/api/v1/audit?entityType=environment-ops&key=c50');
    expect(audit.body[0]).toMatchObject({ actor: 'alice', requestId: 'req-s1', changeType: 'Created' });
    expect(audit.body[0].after.Value).toEqual({ ScheduleAutomatically: true, DefaultSchedule: NINE_TO_FIVE });
    const removed = await t.call('PUT', `${E}/c50/schedule`, { body: { manualScheduleUp: true, defaultSchedule: null } });
    expect(removed.body).toEqual({ environment: 'c50', manualScheduleUp: true, scheduleAutomatically: true, version: 2 });
    expect((await t.call('GET', `${E}/c50/ops`)).body.schedule).toEqual({ manualScheduleUp: true, scheduleAutomatically: true });
  });

  it.each([
    ['an unreadable schedule', { defaultSchedule: 'start: 0 8 * * 1-5 | Mars/Olympus' }, 'defaultSchedule', /unknown time zone 'Mars\/Olympus' \(unknown-zone at offset 21: 'Mars\/Olympus'\); name an IANA zone/],
    ['a stop time with no start', { defaultSchedule: 'stop: 0 19 * * 1-5' }, 'defaultSchedule', /no start time/],
    ['the quoted pipe form', { defaultSchedule: 'Start: 0 8 * * * | Stop: 0 19 * * *' }, 'defaultSchedule', /use `start: <cron>; stop: <cron>`/],
    ['following a default schedule without one', { scheduleAutomatically: true }, 'defaultSchedule', /is needed while scheduleAutomatically is true/],
    ['an unknown field', { ManualScheduleUp: true }, '', /unknown field ManualScheduleUp/],
    ['no field at all', {}, '', /give at least one/],
    ['a flag that is not a boolean', { manualScheduleUp: 'yes' }, 'manualScheduleUp', /./],
  ])('refuses %s with 400, naming the field and the fix', async (_why, body, path, message) => {
    const r = await t.call('PUT', `${E}/c50/schedule`, { body });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.code).toBe('validation-failed');
    expect(r.body.errors[0].path).toBe(path);
    expect(r.body.errors[0].message).toMatch(message);
    expect((await t.call('GET', `${C}/environment-ops/c50`)).status).toBe(404);
  });

  it('refuses everyone, administrators too, when the type protects SCHEDULE_ENVIRONMENT (403)', async () => {
    const r = await t.call('PUT', `${E}/w1/schedule`, { body: { manualScheduleUp: true } });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('protected-action');
    expect(r.body.detail).toMatch(/is protected against SCHEDULE_ENVIRONMENT operations/);
    expect((await t.call('POST', `${E}/w1/schedule-override`, { body: { state: 'on', until: '2026-11-23T22:00:00Z' } })).status).toBe(403);
    expect((await t.call('DELETE', `${E}/w1/schedule-override`)).status).toBe(403);
  });

  it('answers 404 for an unknown environment on every route', async () => {
    for (const [method, path, body] of [
      ['GET', 'nope/schedule', undefined],
      ['PUT', 'nope/schedule', { manualScheduleUp: true }],
      ['GET', 'nope/schedule-status', undefined],
      ['GET', 'nope/schedule-override', undefined],
      ['POST', 'nope/schedule-override', { state: 'on', until: '2026-11-23T22:00:00Z' }],
      ['DELETE', 'nope/schedule-override', undefined],
    ] as const) {
      const r = await t.call(method, `${E}/${path}`, body ? { body } : {});
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.body.code).toBe('not-found');
    }
  });
});

describe('GET /environments/{name}/schedule-status', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = aTestApp();
    await seed(t);
    await t.call('PUT', `${E}/c50/schedule`, { body: { scheduleAutomatically: true, defaultSchedule: NINE_TO_FIVE } });
  });

  it("gives EM's Status, and ours: source, schedule, reason", async () => {
    const r = await t.call('GET', `${E}/c50/schedule-status`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      Status: 'ON', environment: 'c50', at: '2026-11-23T12:00:00.000Z', source: 'environment', schedule: NINE_TO_FIVE,
      reason: 'item 1 (start) occurred at 2026-11-23T09:00 in the schedule\'s zone (2026-11-23T09:00:00.000Z)',
    });
    expect((await t.call('GET', `${E}/c50/schedule-status?at=2026-11-23T18:00:00Z`)).body.Status).toBe('OFF');
    expect((await t.call('GET', `${E}/w1/schedule-status`)).body).toMatchObject({ Status: 'OFF', schedule: 'OFF', source: 'environment' });
  });

  it('refuses a time that is not ISO 8601 (400)', async () => {
    const r = await t.call('GET', `${E}/c50/schedule-status?at=tomorrow`);
    expect(r.status).toBe(400);
    expect(r.body.errors[0].path).toBe('query.at');
  });
});

describe('schedule overrides: /environments/{name}/schedule-override', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = aTestApp();
    await seed(t);
    await t.call('PUT', `${E}/c50/schedule`, { body: { scheduleAutomatically: true, defaultSchedule: NINE_TO_FIVE } });
  });

  it('keeps the environment on until a time, audited, and reverts by itself', async () => {
    const r = await t.call('POST', `${E}/c50/schedule-override`, { body: { state: 'on', until: '2026-11-23T22:00:00Z', reason: 'late release' }, headers: { 'x-test-user': 'alice' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const override = { state: 'on', until: '2026-11-23T22:00:00.000Z', setBy: 'alice', setAt: '2026-11-23T12:00:00.000Z', reason: 'late release', active: true };
    expect(r.body).toEqual({ environment: 'c50', override });
    expect((await t.call('GET', `${E}/c50/schedule-override`)).body).toEqual({ environment: 'c50', override });
    expect((await t.call('GET', `${E}/c50/schedule`)).body.override).toEqual(override);
    const history = await t.call('GET', `${C}/environment-ops/c50/history`);
    expect(history.body[0]).toMatchObject({ actor: 'alice' });
    expect((await t.call('GET', `${E}/c50/schedule-status?at=2026-11-23T20:00:00Z`)).body).toMatchObject({ Status: 'ON', source: 'override', schedule: 'ON until 2026-11-23T22:00:00.000Z' });
    expect((await t.call('GET', `${E}/c50/schedule-status?at=2026-11-23T22:00:00Z`)).body).toMatchObject({ Status: 'OFF', source: 'environment' });
    t.clock.advance(11 * 3_600_000);
    expect((await t.call('GET', `${E}/c50/schedule-override`)).body.override.active).toBe(false);
    expect((await t.call('DELETE', `${E}/c50/schedule-override`)).body).toEqual({ environment: 'c50' });
  });

  it.each([
    ['a time in the past', { state: 'on', until: '2026-11-23T11:00:00Z' }, 'until', /not after now.*give a time in the future/],
    ['a time more than 31 days ahead', { state: 'off', until: '2027-02-01T00:00:00Z' }, 'until', /more than 31 days ahead/],
    ['no time', { state: 'on' }, 'until', /is required/],
    ['a state that is neither on nor off', { state: 'maybe', until: '2026-11-23T22:00:00Z' }, 'state', /must be one of|on, off/],
  ])('refuses %s (400)', async (_why, body, path, message) => {
    const r = await t.call('POST', `${E}/c50/schedule-override`, { body });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.errors[0].path).toBe(path);
    expect(r.body.errors[0].message).toMatch(message);
  });
});

describe('POST /schedule/evaluate', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = aTestApp();
    await seed(t);
  });

  it('decides for hypothetical inputs, with the reason, problems and EM differences', async () => {
    const r = await t.call('POST', '/api/v1/schedule/evaluate', { body: { instance: { schedule: NINE_TO_FIVE, state: 'stopped' }, at: '2026-11-24T09:30:00Z' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ at: '2026-11-24T09:30:00.000Z', status: 'ON', decision: { action: 'switchOn', source: 'instance', schedule: NINE_TO_FIVE }, problems: [], emDifferences: [] });
    const member = await t.call('POST', '/api/v1/schedule/evaluate', { body: { group: { schedule: 'off' }, at: '2026-11-24T09:30:00Z' } });
    expect(member.body.decision).toMatchObject({ action: 'putOutOfService', source: 'asg' });
    const bad = await t.call('POST', '/api/v1/schedule/evaluate', { body: { instance: { schedule: 'start: 0 8 * * 7; stop: 61 7 * * *' } } });
    expect(bad.body.decision).toMatchObject({ action: 'skip', skipCode: 'invalid-schedule' });
    expect(bad.body.problems).toEqual([expect.objectContaining({ path: 'instance.schedule', code: 'out-of-range', field: 'minute', item: 2 })]);
    expect(bad.body.emDifferences.map((d: { code: string }) => d.code)).toEqual(['weekday-7', 'out-of-range']);
  });

  it("reads a configured environment's settings by name (404 when unknown) and refuses a bad body (400)", async () => {
    await t.call('PUT', `${E}/c50/schedule`, { body: { scheduleAutomatically: true, defaultSchedule: NINE_TO_FIVE } });
    const r = await t.call('POST', '/api/v1/schedule/evaluate', { body: { environment: { name: 'c50' } } });
    expect(r.body).toMatchObject({ status: 'ON', decision: { action: 'skip', skipCode: 'state-is-correct', source: 'environment' } });
    expect((await t.call('POST', '/api/v1/schedule/evaluate', { body: { environment: { name: 'nope' } } })).status).toBe(404);
    const invalid = await t.call('POST', '/api/v1/schedule/evaluate', { body: { instance: { state: 'asleep' } } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].path).toBe('instance.state');
  });
});

describe('GET /instances/schedule-actions and GET /schedule/savings', () => {
  let t: TestApp;
  let compute: MemoryCompute;
  let actions: ScheduleActionLog;
  beforeEach(async () => {
    compute = createMemoryCompute({ clock: { now: () => Date.UTC(2026, 10, 23, 12) }, autoConverge: false });
    actions = createMemoryScheduleActionLog();
    t = aTestApp({ scheduling: { actions, accounts: [{ name: 'local', compute }] } });
    await seed(t);
    await t.call('PUT', `${E}/c50/schedule`, { body: { scheduleAutomatically: true, defaultSchedule: NINE_TO_FIVE } });
    await compute.createGroup(groupSpec('c50-in-Web', 'c50', 1));
    await compute.createGroup(groupSpec('w1-in-Web', 'w1', 1));
    await compute.settle();
  });

  it("lists a decision per instance in EM's runner shape", async () => {
    const r = await t.call('GET', '/api/v1/instances/schedule-actions?at=2026-11-23T18:00:00Z');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const [c50, w1] = r.body;
    expect(c50).toEqual({
      action: { action: 'putOutOfService', source: 'environment', schedule: NINE_TO_FIVE, reason: expect.stringMatching(/^item 2 \(stop\)/) as unknown },
      instance: {
        id: 'i-0e000000000000001', name: 'c50-in-Web-0e000000000000001', role: 'Web', environment: 'c50', environmentType: 'Dev', cluster: 'Infra',
        account: 'local', asg: 'c50-in-Web', state: 'running', lifecycleState: 'InService',
      },
    });
    expect(w1.action).toMatchObject({ action: 'putOutOfService', source: 'environment', schedule: 'OFF' });
    const one = await t.call('GET', '/api/v1/instances/schedule-actions?environment=w1');
    expect(one.body.map((a: { instance: { environment: string } }) => a.instance.environment)).toEqual(['w1']);
    expect((await t.call('GET', '/api/v1/instances/schedule-actions?account=elsewhere')).status).toBe(404);
    expect((await t.call('GET', '/api/v1/instances/schedule-actions?at=soon')).status).toBe(400);
    // the route is not mistaken for an instance id
    expect((await t.call('GET', '/api/v1/instances/schedule-actions')).status).toBe(200);
  });

  it("lists the schedules in use that trainline's EM reads differently", async () => {
    await compute.updateGroup('c50-in-Web', { tags: { Environment: 'c50', OwningCluster: 'Infra', Role: 'Web', Schedule: 'start: 0 8 * * 7; stop: 0 19 * * 1-5' } });
    await compute.setInstanceTags(['i-0e000000000000002'], { Schedule: 'start: 0 8 * * 1-5;' });
    await t.call('PUT', `${E}/c50/schedule`, { body: { defaultSchedule: 'stop: 0 19 13 * FRI; start: 0 8 * * 1-5' } });
    const r = await t.call('GET', '/api/v1/schedule/lint');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.map((f: { kind: string; name: string; differences: { code: string }[] }) => [f.kind, f.name, f.differences.map((d) => d.code)])).toEqual([
      ['environment', 'c50', ['day-or-weekday']],
      ['asg', 'c50-in-Web', ['weekday-7']],
      ['instance', 'i-0e000000000000002', ['trailing-semicolon']],
    ]);
    // i-…2 is w1's; c50's settings and group are not w1's
    expect((await t.call('GET', '/api/v1/schedule/lint?environment=w1')).body).toEqual([
      expect.objectContaining({ kind: 'instance', name: 'i-0e000000000000002', account: 'local', environment: 'w1', schedule: 'start: 0 8 * * 1-5;' }),
    ]);
  });

  it('reports instance-hours saved from the recorded actions (400 for an empty period)', async () => {
    const base = { actor: 'system:scheduler', runId: 'r', account: 'local', environment: 'c50', cluster: 'Infra', outcome: 'done', instances: 1, source: 'environment', schedule: NINE_TO_FIVE, reason: 'r', attempts: 1 } as const;
    const rec = (id: string, iso: string, action: ScheduleActionRecord['action']): ScheduleActionRecord => ({ ...base, id, atMs: Date.parse(iso), subject: 'local/i-1', action });
    await actions.append([rec('1', '2026-11-20T17:05:00Z', 'switchOff'), rec('2', '2026-11-23T09:00:00Z', 'switchOn')]);
    const r = await t.call('GET', '/api/v1/schedule/savings?since=2026-11-21T00:00:00Z&environment=c50');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({
      since: '2026-11-21T00:00:00.000Z', until: '2026-11-23T12:00:00.000Z', environment: 'c50', instanceHoursSaved: 57, actions: 1,
      environments: [{ environment: 'c50', cluster: 'Infra', instanceHoursSaved: 57, subjects: 1 }],
    });
    const empty = await t.call('GET', '/api/v1/schedule/savings?since=2026-11-24T00:00:00Z');
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].path).toBe('since');
  });
});

describe('who may change schedules', () => {
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
    await t.call('POST', `${C}/users`, { body: { UserName: 'infra-ops', Value: {} }, headers: headers.admin });
    await t.call('POST', `${C}/permissions`, {
      body: { Name: 'infra-ops', Permissions: [{ Resource: '/environments/*/{schedule,schedule-override}', Access: 'ADMIN', Clusters: ['Infra'], EnvironmentTypes: 'all' }] },
      headers: headers.admin,
    });
    await t.call('PUT', '/api/v1/users/infra-ops/password', { body: { password: 'infra-ops-password-1' }, headers: headers.admin });
    headers.ops = await sign('infra-ops', 'infra-ops-password-1');
  });

  it('allows a permission for the environment\'s cluster, refuses another cluster (403) and nobody (401)', async () => {
    expect((await t.call('PUT', `${E}/c50/schedule`, { body: { manualScheduleUp: true }, headers: headers.ops })).status).toBe(200);
    expect((await t.call('POST', `${E}/c50/schedule-override`, { body: { state: 'off', until: '2026-11-23T22:00:00Z' }, headers: headers.ops })).status).toBe(200);
    const other = await t.call('PUT', `${E}/w1/schedule`, { body: { manualScheduleUp: true }, headers: headers.ops });
    expect(other.status).toBe(403);
    expect((await t.call('PUT', `${E}/c50/schedule`, { body: { manualScheduleUp: true } })).status).toBe(401);
    expect((await t.call('GET', `${E}/c50/schedule-status`)).status).toBe(401);
    expect((await t.call('POST', '/api/v1/schedule/evaluate', { body: {} })).status).toBe(401);
    expect((await t.call('POST', '/api/v1/schedule/evaluate', { body: {}, headers: headers.ops })).status).toBe(200);
  });
});
