import { describe, expect, it } from 'vitest';
import { advance } from './advance.js';
import type { Deployment, GroupSleep, Observations } from './deployment.js';
import { MIN, T0, inGroup, nodeStatus, observations, planFixture } from './fixtures.js';

function provisioning(): Deployment {
  const p = planFixture();
  if (!p.ok) throw new Error(p.message);
  return advance(p.deployment, inGroup([]), T0).next;
}

const asleep = (sleep: Partial<GroupSleep>, over: Partial<Observations> = {}): Observations =>
  observations({
    group: { inServiceInstanceIds: [], desiredCapacity: 0, sleeping: { stoppedInstanceIds: [], standbyInstanceIds: [], transitioning: 0, ...sleep } },
    ...over,
  });

describe('advance: a deployment to a group that is switched off (schedule-aware deployments)', () => {
  it('wakes the group once, logs the choice, and stays provisioning until it is awake', () => {
    const d = provisioning();
    const obs = asleep({ stoppedInstanceIds: ['i-1', 'i-2'], standbyInstanceIds: ['i-1', 'i-2'] });
    const { next, commands } = advance(d, obs, T0 + 1000);
    expect(next.state).toBe('provisioning');
    expect(commands).toEqual([
      { kind: 'wakeGroup', deploymentId: 'd1', attempt: 1, accountNumber: '123456789012', group: 'c50-in-Web', startInstanceIds: ['i-1', 'i-2'], exitStandbyInstanceIds: ['i-1', 'i-2'] },
    ]);
    expect(next.wake).toEqual({ atMs: T0 + 1000, group: 'c50-in-Web', started: 2, exitedStandby: 2 });
    expect(next.log.at(-1)).toMatch(/group c50-in-Web is switched off; waking it for this deployment: starting 2 stopped instance\(s\), taking 2 instance\(s\) out of Standby\. The scheduler keeps it on until the deployment ends/);

    // the same run does not issue it again while the instances start
    const again = advance(next, asleep({ stoppedInstanceIds: [], standbyInstanceIds: ['i-1'] }), T0 + 2000);
    expect(again.commands).toEqual([]);
    expect(again.next).toBe(next);
  });

  it('restores a size its schedule saved when it scaled the group to zero', () => {
    const { commands, next } = advance(provisioning(), asleep({ savedSize: { min: 1, desired: 2, max: 4 } }), T0 + 1000);
    expect(commands).toMatchObject([{ kind: 'wakeGroup', restoreSize: { min: 1, desired: 2, max: 4 }, startInstanceIds: [], exitStandbyInstanceIds: [] }]);
    expect(next.wake?.restoredSize).toEqual({ min: 1, desired: 2, max: 4 });
    expect(next.log.at(-1)).toContain('restoring its size 1/2/4 (scaled to zero by its schedule)');
  });

  it('waits for members that are still stopping before it starts anything', () => {
    const d = provisioning();
    const { next, commands } = advance(d, asleep({ stoppedInstanceIds: ['i-1'], transitioning: 1 }), T0 + 1000);
    expect([next, commands]).toEqual([d, []]);
  });

  it('a new driver run wakes again what it still sees switched off', () => {
    const first = advance(provisioning(), asleep({ stoppedInstanceIds: ['i-1'] }), T0 + 1000).next;
    const { commands } = advance(first, asleep({ stoppedInstanceIds: ['i-1'] }, { runId: 'run-2' }), T0 + 2000);
    expect(commands).toMatchObject([{ kind: 'wakeGroup', attempt: 2, startInstanceIds: ['i-1'] }]);
  });

  it('deploys once the group is awake, and says at the end that the scheduler returns it to its schedule', () => {
    const woke = advance(provisioning(), asleep({ stoppedInstanceIds: ['i-1'] }), T0 + 1000).next;
    const deploying = advance(woke, inGroup(['i-1'], { targetStatePresent: false }), T0 + 2000);
    expect(deploying.next.state).toBe('deploying');
    expect(deploying.commands.map((c) => c.kind)).toEqual(['writeTargetState']);
    const done = advance(deploying.next, inGroup(['i-1'], { nodes: { 'i-1': nodeStatus('Success') }, health: { 'i-1': 'passing' } }), T0 + MIN);
    expect(done.next.state).toBe('succeeded');
    expect(done.next.log.at(-1)).toMatch(/group c50-in-Web was woken for this deployment: the scheduler returns it to its schedule at its next pass/);
  });

  it('a group that is awake is deployed to without a wake', () => {
    const { commands, next } = advance(provisioning(), inGroup(['i-1'], { targetStatePresent: false }), T0 + 1000);
    expect(commands.map((c) => c.kind)).toEqual(['writeTargetState']);
    expect(next.wake).toBeUndefined();
  });
});
