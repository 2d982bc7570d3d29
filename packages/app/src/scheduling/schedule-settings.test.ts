import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryConfigStore, createMemoryScheduleActionLog } from '@envmgr/adapter-memory';
import { ForbiddenError, NotFoundError, ValidationError } from '@envmgr/domain';
import type { ScheduleActionRecord } from '@envmgr/ports';
import { aCluster, aDeploymentMap, anEnvironment, anEnvironmentType, aFixedClock, aService } from '@envmgr/test-support';
import type { ConfigDeps, RequestContext } from '../context.js';
import { createItem } from '../config/write-items.js';
import { getEnvironmentOps } from '../environments/environment-ops.js';
import { evaluateHypotheticalSchedule } from './evaluate-inputs.js';
import { scheduleSavings } from './savings-report.js';
import { clearScheduleOverride, environmentScheduleStatus, setScheduleOverride, setScheduleSettings } from './schedule-settings.js';

const as = (name: string): RequestContext => ({ actor: { name, kind: 'user', user: name, permissions: [{ Resource: '**', Access: 'ADMIN' }] }, requestId: `req-${name}` });
const NOW = Date.UTC(2026, 10, 25, 18, 0); // a Wednesday, 18:00 UTC
const NINE_TO_FIVE = 'start: 0 9 * * 1-5; stop: 0 17 * * 1-5';

describe('schedule settings, overrides and status', () => {
  let deps: ConfigDeps;
  let clock: ReturnType<typeof aFixedClock>;
  beforeEach(async () => {
    clock = aFixedClock(NOW);
    deps = { store: createMemoryConfigStore(), clock, hasher: { sha256: (t) => t } };
    for (const [type, doc] of [
      ['clusters', aCluster()],
      ['environment-types', anEnvironmentType()],
      ['environment-types', anEnvironmentType('Prod', { ProtectedActions: ['SCHEDULE_ENVIRONMENT'] })],
      ['services', aService()],
      ['deployment-maps', aDeploymentMap('Standard', ['Search'])],
      ['environments', anEnvironment('c50')],
      ['environments', anEnvironment('p1', { EnvironmentType: 'Prod' })],
    ] as const) {
      await createItem(deps, as('seed'), type, doc);
    }
  });

  it('changes the settings, audited as the ops record, and keeps omitted fields', async () => {
    await setScheduleSettings(deps, as('alice'), { environment: 'c50', scheduleAutomatically: true, defaultSchedule: NINE_TO_FIVE });
    const ops = await setScheduleSettings(deps, as('bob'), { environment: 'c50', manualScheduleUp: true });
    expect(ops).toMatchObject({ manualScheduleUp: true, scheduleAutomatically: true, defaultSchedule: NINE_TO_FIVE, version: 2 });
    const audit = await deps.store.queryAudit({ entityType: 'environment-ops', key: 'c50', limit: 10 });
    expect(audit.map((a) => a.actor)).toEqual(['bob', 'alice']);
  });

  it('refuses bad schedules with the field and the fix, an empty change, and protected types (admins too)', async () => {
    const bad = setScheduleSettings(deps, as('alice'), { environment: 'c50', defaultSchedule: 'start: 0 8 * * * | Mars/Olympus' });
    await expect(bad).rejects.toBeInstanceOf(ValidationError);
    await expect(bad).rejects.toMatchObject({ errors: [{ path: 'defaultSchedule', message: expect.stringContaining('name an IANA zone') as unknown }] });
    await expect(setScheduleSettings(deps, as('alice'), { environment: 'c50' })).rejects.toBeInstanceOf(ValidationError);
    await expect(setScheduleSettings(deps, as('alice'), { environment: 'p1', manualScheduleUp: true })).rejects.toMatchObject({ code: 'protected-action' });
    await expect(setScheduleSettings(deps, as('alice'), { environment: 'nope', manualScheduleUp: true })).rejects.toBeInstanceOf(NotFoundError);
    await expect(setScheduleOverride(deps, as('alice'), { environment: 'p1', state: 'on', until: '2026-11-25T22:00:00Z' })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('status: what the settings say, when and why; an override counts until it ends, by itself', async () => {
    await setScheduleSettings(deps, as('alice'), { environment: 'c50', scheduleAutomatically: true, defaultSchedule: NINE_TO_FIVE });
    expect(await environmentScheduleStatus(deps, as('carol'), { environment: 'c50' })).toMatchObject({
      status: 'OFF', source: 'environment', schedule: NINE_TO_FIVE, at: '2026-11-25T18:00:00.000Z', reason: expect.stringMatching(/^item 2 \(stop\)/) as unknown,
    });
    expect((await environmentScheduleStatus(deps, as('carol'), { environment: 'c50', atMs: Date.UTC(2026, 10, 25, 12) })).status).toBe('ON');

    await setScheduleOverride(deps, as('alice'), { environment: 'c50', state: 'on', until: '2026-11-25T22:00:00Z', reason: 'late release' });
    expect(await environmentScheduleStatus(deps, as('carol'), { environment: 'c50' })).toMatchObject({
      status: 'ON', source: 'override', schedule: 'ON until 2026-11-25T22:00:00.000Z', reason: 'overridden on until 2026-11-25T22:00:00.000Z by alice (late release)',
    });
    clock.advance(4 * 3_600_000);
    expect(await environmentScheduleStatus(deps, as('carol'), { environment: 'c50' })).toMatchObject({ status: 'OFF', source: 'environment' });
    expect((await getEnvironmentOps(deps, as('carol'), 'c50')).scheduleOverride).toMatchObject({ state: 'on', by: 'alice' });
    expect((await clearScheduleOverride(deps, as('alice'), { environment: 'c50' })).scheduleOverride).toBeUndefined();
  });

  it('refuses an override in the past or too far ahead', async () => {
    await expect(setScheduleOverride(deps, as('alice'), { environment: 'c50', state: 'off', until: '2026-11-25T17:00:00Z' })).rejects.toMatchObject({ errors: [{ path: 'until' }] });
    await expect(setScheduleOverride(deps, as('alice'), { environment: 'c50', state: 'off', until: '2027-01-25T17:00:00Z' })).rejects.toMatchObject({ errors: [{ path: 'until' }] });
  });

  it('evaluates hypothetical inputs, with problems, EM differences and stored settings', async () => {
    const e = await evaluateHypotheticalSchedule(deps, as('carol'), { instance: { schedule: 'start: 0 8 * * 7;', state: 'stopped' }, atMs: Date.UTC(2026, 10, 29, 9) });
    expect(e).toMatchObject({ at: '2026-11-29T09:00:00.000Z', status: 'ON', decision: { action: 'switchOn', source: 'instance' }, problems: [] });
    expect(e.emDifferences.map((d) => [d.path, d.code])).toEqual([['instance.schedule', 'trailing-semicolon'], ['instance.schedule', 'weekday-7']]);

    const bad = await evaluateHypotheticalSchedule(deps, as('carol'), { group: { schedule: 'start: 0 25 * * *' } });
    expect(bad.decision).toMatchObject({ action: 'skip', skipCode: 'invalid-schedule', source: 'asg' });
    expect(bad.problems).toEqual([expect.objectContaining({ path: 'group.schedule', code: 'out-of-range', offset: 9, fix: 'use an hour from 0 to 23' })]);

    await setScheduleSettings(deps, as('alice'), { environment: 'c50', scheduleAutomatically: true, defaultSchedule: NINE_TO_FIVE });
    const stored = await evaluateHypotheticalSchedule(deps, as('carol'), { environment: { name: 'c50' } });
    expect(stored).toMatchObject({ status: 'OFF', decision: { action: 'switchOff', source: 'environment', schedule: NINE_TO_FIVE } });
    await expect(evaluateHypotheticalSchedule(deps, as('carol'), { environment: { name: 'nope' } })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('savings report', () => {
  const H = 3_600_000;
  const T0 = Date.UTC(2026, 10, 23);
  const rec = (id: string, hour: number, action: ScheduleActionRecord['action'], over: Partial<ScheduleActionRecord> = {}): ScheduleActionRecord => ({
    id, atMs: T0 + hour * H, actor: 'system:scheduler', runId: 'r', account: 'local', subject: 'local/i-1', environment: 'c50', cluster: 'Infra',
    action, outcome: 'done', instances: 1, source: 'environment', schedule: NINE_TO_FIVE, reason: 'r', attempts: 1, ...over,
  });

  it('adds up instance-hours switched off over the period, per environment', async () => {
    const actions = createMemoryScheduleActionLog();
    await actions.append([
      rec('1', -7, 'switchOff'),
      rec('2', 9, 'switchOn'),
      rec('3', 17, 'switchOff'),
      rec('4', 20, 'switchOn', { outcome: 'failed' }),
      rec('5', 0, 'scaleToZero', { subject: 'local/group:g', environment: 'c51', cluster: 'Web', instances: 2 }),
    ]);
    const clock = aFixedClock(T0 + 24 * H);
    const r = await scheduleSavings({ actions, clock }, as('carol').actor, { sinceMs: T0 });
    expect(r).toEqual({
      since: '2026-11-23T00:00:00.000Z', until: '2026-11-24T00:00:00.000Z', instanceHoursSaved: 9 + 7 + 48, actions: 3,
      environments: [{ environment: 'c51', cluster: 'Web', instanceHoursSaved: 48, subjects: 1 }, { environment: 'c50', cluster: 'Infra', instanceHoursSaved: 16, subjects: 1 }],
    });
    expect((await scheduleSavings({ actions, clock }, as('carol').actor, { sinceMs: T0, cluster: 'Infra' })).instanceHoursSaved).toBe(16);
    await expect(scheduleSavings({ actions, clock }, as('carol').actor, { sinceMs: T0 + 30 * H })).rejects.toMatchObject({ errors: [{ path: 'since' }] });
  });
});
