import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../json.js';
import { checkItem } from '../config/checks.js';
import { itemFacts, OWNED_TYPES } from '../config/entities.js';
import {
  isActionProtected,
  lockDeploymentsValue,
  maintenanceValue,
  opsRecordData,
  opsRecordRules,
  opsValueOf,
  unlockDeploymentsValue,
  type OpsRecordValue,
} from './ops-record.js';

const alice = { by: 'alice', at: '2026-01-01T10:00:00.000Z' };
const bob = { by: 'bob', at: '2026-01-02T10:00:00.000Z' };
const lockedByAlice: OpsRecordValue = { DeploymentsLocked: true, DeploymentLock: { By: 'alice', At: alice.at, Reason: 'freeze' } };

describe('opsValueOf', () => {
  it.each<[string, JsonObject | undefined, OpsRecordValue]>([
    ['no record', undefined, {}],
    ['an empty Value', { EnvironmentName: 'c50', Value: {} }, {}],
    ['EM flags', { EnvironmentName: 'c50', Value: { ManualScheduleUp: true, ScheduleAutomatically: false, DefaultSchedule: 'OFF' } }, { ManualScheduleUp: true, ScheduleAutomatically: false, DefaultSchedule: 'OFF' }],
    ['a lock with its mark', { EnvironmentName: 'c50', Value: lockedByAlice as JsonObject }, lockedByAlice],
    ['fields of the wrong type', { EnvironmentName: 'c50', Value: { DeploymentsLocked: 'yes', DeploymentLock: { By: 'x' } } }, {}],
    ['no Value', { EnvironmentName: 'c50' }, {}],
    [
      'a schedule override',
      { EnvironmentName: 'c50', Value: { ScheduleOverride: { State: 'on', Until: '2026-01-01T22:00:00.000Z', By: 'alice', At: alice.at } } },
      { ScheduleOverride: { State: 'on', Until: '2026-01-01T22:00:00.000Z', By: 'alice', At: alice.at } },
    ],
    ['an override with an unknown state', { EnvironmentName: 'c50', Value: { ScheduleOverride: { State: 'maybe', Until: 'x', By: 'alice', At: alice.at } } }, {}],
  ])('reads %s', (_why, data, value) => {
    expect(opsValueOf(data)).toEqual(value);
  });
});

describe('lock, unlock and maintenance', () => {
  it.each<[string, OpsRecordValue, OpsRecordValue]>([
    ['locks an unlocked environment', {}, { DeploymentsLocked: true, DeploymentLock: { By: 'bob', At: bob.at, Reason: 'incident' } }],
    ['keeps who and when of a lock in place, replacing the reason', lockedByAlice, { DeploymentsLocked: true, DeploymentLock: { By: 'alice', At: alice.at, Reason: 'incident' } }],
    ['takes a lock imported without a mark as its own', { DeploymentsLocked: true }, { DeploymentsLocked: true, DeploymentLock: { By: 'bob', At: bob.at, Reason: 'incident' } }],
    ['keeps the other flags', { EnvironmentInMaintenance: true, ScheduleAutomatically: true }, { EnvironmentInMaintenance: true, ScheduleAutomatically: true, DeploymentsLocked: true, DeploymentLock: { By: 'bob', At: bob.at, Reason: 'incident' } }],
  ])('%s', (_why, before, after) => {
    expect(lockDeploymentsValue(before, { ...bob, reason: 'incident' })).toEqual(after);
  });

  it('keeps the reason of a lock in place when none is given', () => {
    expect(lockDeploymentsValue(lockedByAlice, bob)).toEqual(lockedByAlice);
  });

  it.each<[string, OpsRecordValue, OpsRecordValue]>([
    ['unlocks, forgetting the mark', { ...lockedByAlice, ManualScheduleUp: true }, { DeploymentsLocked: false, ManualScheduleUp: true }],
    ['leaves an unlocked environment as it is', { ManualScheduleUp: true }, { ManualScheduleUp: true }],
    ['leaves an explicitly unlocked one as it is', { DeploymentsLocked: false }, { DeploymentsLocked: false }],
  ])('%s', (_why, before, after) => {
    expect(unlockDeploymentsValue(before)).toEqual(after);
  });

  it.each<[string, OpsRecordValue, boolean, OpsRecordValue]>([
    ['puts in maintenance', {}, true, { EnvironmentInMaintenance: true, Maintenance: { By: 'bob', At: bob.at, Reason: 'disk' } }],
    ['keeps who and when of a maintenance in place', { EnvironmentInMaintenance: true, Maintenance: { By: 'alice', At: alice.at } }, true, { EnvironmentInMaintenance: true, Maintenance: { By: 'alice', At: alice.at, Reason: 'disk' } }],
    ['takes out of maintenance, dropping the reason', { EnvironmentInMaintenance: true, Maintenance: { By: 'alice', At: alice.at }, ...lockedByAlice }, false, { EnvironmentInMaintenance: false, ...lockedByAlice }],
    ['leaves an environment out of maintenance as it is', lockedByAlice, false, lockedByAlice],
  ])('%s', (_why, before, on, after) => {
    expect(maintenanceValue(before, on, { ...bob, reason: 'disk' })).toEqual(after);
  });
});

describe('the ops record as a configuration item', () => {
  it('orders its fields as the API schema does', () => {
    const data = opsRecordData('c50', { Maintenance: { By: 'a', At: 'b' }, EnvironmentInMaintenance: true, ManualScheduleUp: false });
    expect(JSON.stringify(data)).toBe('{"EnvironmentName":"c50","Value":{"ManualScheduleUp":false,"EnvironmentInMaintenance":true,"Maintenance":{"By":"a","At":"b"}}}');
  });

  it('refers to its environment, is indexed by its flags, and belongs to the environment', () => {
    const facts = itemFacts('environment-ops', opsRecordData('c50', lockedByAlice));
    expect(facts.references).toEqual([{ type: 'environments', key: 'c50', path: 'EnvironmentName' }]);
    expect(facts.indexes).toEqual({ deploymentsLocked: 'true', inMaintenance: 'false' });
    expect(OWNED_TYPES.environments).toEqual(['environment-ops']);
  });

  it.each<[string, OpsRecordValue, string[]]>([
    ['a lock with its mark', lockedByAlice, []],
    ['a lock without a mark (from EM)', { DeploymentsLocked: true }, []],
    ['a mark without a lock', { DeploymentLock: { By: 'a', At: alice.at } }, ['Value.DeploymentLock']],
    ['a maintenance mark while out of maintenance', { EnvironmentInMaintenance: false, Maintenance: { By: 'a', At: alice.at } }, ['Value.Maintenance']],
  ])('rules: %s', (_why, value, paths) => {
    expect(opsRecordRules(opsRecordData('c50', value)).map((p) => p.path)).toEqual(paths);
  });

  it('needs its environment to exist', () => {
    const problems = checkItem('environment-ops', opsRecordData('c50', {}), { resolve: () => undefined, before: undefined });
    expect(problems).toEqual([{ path: 'EnvironmentName', message: "environment 'c50' does not exist" }]);
  });
});

describe('isActionProtected', () => {
  it.each<[string, JsonObject | undefined, string, boolean]>([
    ['a protecting type', { EnvironmentType: 'Prod', Value: { ProtectedActions: ['SCHEDULE_ENVIRONMENT'] } }, 'SCHEDULE_ENVIRONMENT', true],
    ['any case', { EnvironmentType: 'Prod', Value: { ProtectedActions: ['schedule_environment'] } }, 'SCHEDULE_ENVIRONMENT', true],
    ['another action', { EnvironmentType: 'Prod', Value: { ProtectedActions: ['SCHEDULE_ENVIRONMENT'] } }, 'IGNORE_ASG_INSTANCES', false],
    ['a type without the list', { EnvironmentType: 'Dev', Value: {} }, 'SCHEDULE_ENVIRONMENT', false],
    ['no type', undefined, 'SCHEDULE_ENVIRONMENT', false],
  ])('%s', (_why, type, action, expected) => {
    expect(isActionProtected(type, action)).toBe(expected);
  });
});
