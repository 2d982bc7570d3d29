import { describe, expect, it } from 'vitest';
import { convergenceOf, servicesOnInstance, type DifferenceKind, type InstanceState } from './convergence.js';
import { aRunning, aTarget } from './fixtures.js';
import type { RunningInstance } from './registrations.js';
import type { RoleTarget } from './target-state-view.js';

const cases: [string, { state?: InstanceState; targets: RoleTarget[]; running: RunningInstance[] }, DifferenceKind[]][] = [
  ['nothing asked, nothing running', { targets: [], running: [] }, []],
  ['runs what is asked', { targets: [aTarget()], running: [aRunning()] }, []],
  ['misses what is asked', { targets: [aTarget()], running: [] }, ['missing']],
  ['runs another version', { targets: [aTarget({ version: '1.1.0', deploymentId: 'd2' })], running: [aRunning()] }, ['version-differs']],
  ['runs an older deployment of the version', { targets: [aTarget({ deploymentId: 'd2' })], running: [aRunning()] }, ['deployment-differs']],
  ['runs it unhealthy', { targets: [aTarget()], running: [aRunning({ status: 'critical' })] }, ['unhealthy']],
  ['runs something no entry names', { targets: [], running: [aRunning()] }, ['unexpected']],
  ['runs what the entry uninstalls', { targets: [aTarget({ action: 'Uninstall' })], running: [aRunning()] }, ['unexpected']],
  ['has nothing the entry uninstalls', { targets: [aTarget({ action: 'Uninstall' })], running: [] }, []],
  ['runs anything under Ignore', { targets: [aTarget({ action: 'Ignore', version: '9.9.9' })], running: [aRunning()] }, []],
  ['lacks nothing under Ignore', { targets: [aTarget({ action: 'Ignore' })], running: [] }, []],
  ['is not among the entry’s instances', { targets: [aTarget({ instanceIds: ['i-9'] })], running: [] }, []],
  ['is among the entry’s instances', { targets: [aTarget({ instanceIds: ['i-1'] })], running: [] }, ['missing']],
  ['runs the other slice', { targets: [aTarget({ slice: 'blue' })], running: [aRunning({ slice: 'green' })] }, ['missing', 'unexpected']],
  ['is stopped with work to do', { state: 'stopped', targets: [aTarget()], running: [] }, ['not-running', 'missing']],
  ['is pending with nothing asked', { state: 'pending', targets: [], running: [] }, []],
  ['matches names ignoring case', { targets: [aTarget({ service: 'HELLO' })], running: [aRunning()] }, []],
];

describe('convergenceOf', () => {
  it.each(cases)('an instance that %s', (_, p, kinds) => {
    const c = convergenceOf({ instanceId: 'i-1', state: p.state ?? 'running', targets: p.targets, running: p.running });
    expect(c.differences.map((d) => d.kind)).toEqual(kinds);
    expect(c.converged).toBe(kinds.length === 0);
  });

  it('says what differs', () => {
    const c = convergenceOf({ instanceId: 'i-1', state: 'running', targets: [aTarget({ version: '1.1.0', deploymentId: 'd2', slice: 'blue' })], running: [aRunning({ slice: 'blue' })] });
    expect(c.differences).toEqual([
      {
        kind: 'version-differs',
        service: 'Hello',
        slice: 'blue',
        expected: { version: '1.1.0', deploymentId: 'd2' },
        actual: { version: '1.0.0', deploymentId: 'd1' },
        message: 'Hello (blue) runs 1.0.0; the target state asks for 1.1.0',
      },
    ]);
  });
});

describe('servicesOnInstance', () => {
  it('marks each registration with whether it is what the target state asks for, health aside', () => {
    const targets = [aTarget(), aTarget({ service: 'Api', version: '2.0.0' })];
    const running = [aRunning({ status: 'critical' }), aRunning({ service: 'Api', version: '1.0.0' }), aRunning({ service: 'Stray' })];
    expect(servicesOnInstance({ instanceId: 'i-1', targets, running }).map((s) => [s.service, s.matchesTarget, s.status])).toEqual([
      ['Hello', true, 'critical'],
      ['Api', false, 'passing'],
      ['Stray', false, 'passing'],
    ]);
  });
});
