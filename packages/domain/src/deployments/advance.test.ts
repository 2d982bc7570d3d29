import { describe, expect, it } from 'vitest';
import { advance } from './advance.js';
import type { AdvanceSettings, Deployment, Observations } from './deployment.js';
import { MIN, T0, inGroup, nodeStatus, observations, planFixture } from './fixtures.js';

function requested(over: Parameters<typeof planFixture>[0] = {}): Deployment {
  const p = planFixture(over);
  if (!p.ok) throw new Error(p.message);
  return p.deployment;
}

/** A deployment of Hello 1.2.0 that wrote its target state at T0 + 1 s for instances i-1 and i-2. */
function deploying(ids = ['i-1', 'i-2']): Deployment {
  const provisioning = advance(requested(), observations(), T0).next;
  return advance(provisioning, inGroup(ids, { targetStatePresent: false }), T0 + 1000).next;
}

const success = nodeStatus('Success');
const passing = { 'i-1': 'passing', 'i-2': 'passing' } as const;

describe('advance: transitions', () => {
  it('requested → provisioning, creating a missing group from the plan', () => {
    const d = requested();
    const { next, commands } = advance(d, observations(), T0);
    expect(next.state).toBe('provisioning');
    expect(commands).toEqual([{ kind: 'createGroup', deploymentId: 'd1', attempt: 1, accountNumber: '123456789012', spec: d.plan.group }]);
    expect(next.issued).toEqual({ createGroup: { attempt: 1, runId: 'run-1', atMs: T0 } });
    expect(next.log.at(-1)).toBe('[2025-01-01T00:00:00.000Z] provisioning: creating group c50-in-Web (size 1/2/4, image Ubuntu-22.04.1)');
  });

  it('requested → provisioning, using an existing group as it is', () => {
    const { next, commands } = advance(requested(), inGroup(['i-1']), T0);
    expect([next.state, commands]).toEqual(['provisioning', []]);
    expect(next.log.at(-1)).toMatch(/group c50-in-Web exists \(1 in service\) and is used as it is/);
  });

  it('provisioning waits for the group it created', () => {
    const provisioning = advance(requested(), observations(), T0).next;
    const { next, commands } = advance(provisioning, observations(), T0 + MIN);
    expect(next).toBe(provisioning);
    expect(commands).toEqual([]);
  });

  it('provisioning → deploying, writing the target state with the live desired size', () => {
    const provisioning = advance(requested(), observations(), T0).next;
    const obs = inGroup(['i-1'], { group: { inServiceInstanceIds: ['i-1'], desiredCapacity: 3 }, targetStatePresent: false });
    const { next, commands } = advance(provisioning, obs, T0 + 1000);
    expect(next.state).toBe('deploying');
    expect(commands).toHaveLength(1);
    const [write] = commands;
    expect(write).toMatchObject({ kind: 'writeTargetState', deploymentId: 'd1', attempt: 1, environment: 'c50' });
    const writes = write?.kind === 'writeTargetState' ? write.writes : [];
    expect(writes.map((w) => w.key)).toEqual(provisioning.plan.targetState.map((w) => w.key));
    expect(writes[2]?.value).toContain('"ExpectedNodeDeployments":3');
  });

  it('provisioning → deploying without writing again when the target state is already there', () => {
    const provisioning = advance(requested(), observations(), T0).next;
    const { next, commands } = advance(provisioning, inGroup(['i-1']), T0 + 1000);
    expect([next.state, commands]).toEqual(['deploying', []]);
  });

  it.each<[string, Observations, string]>([
    ['no instance in service', inGroup([]), 'deploying'],
    ['a node not started', inGroup(['i-1', 'i-2'], { nodes: { 'i-1': success }, health: passing }), 'deploying'],
    ['a node in progress', inGroup(['i-1', 'i-2'], { nodes: { 'i-1': success, 'i-2': nodeStatus('In Progress') }, health: passing }), 'deploying'],
    ['a node not yet healthy', inGroup(['i-1', 'i-2'], { nodes: { 'i-1': success, 'i-2': success }, health: { 'i-1': 'passing', 'i-2': 'warning' } }), 'deploying'],
    ['every node Success and passing', inGroup(['i-1', 'i-2'], { nodes: { 'i-1': success, 'i-2': success }, health: passing }), 'succeeded'],
    ['a node that left the group', inGroup(['i-1'], { nodes: { 'i-1': success, 'i-2': nodeStatus('In Progress') }, health: passing }), 'succeeded'],
  ])('deploying with %s → %s', (_name, obs, state) => {
    expect(advance(deploying(), obs, T0 + 5 * MIN).next.state).toBe(state);
  });

  it('expects instances that join later', () => {
    const first = advance(deploying(['i-1']), inGroup(['i-1', 'i-3'], { nodes: { 'i-1': success }, health: passing }), T0 + MIN);
    expect(first.next.state).toBe('deploying');
    expect(first.next.nodes['i-3']).toMatchObject({ status: 'Not Started', inService: true });
    const done = advance(first.next, inGroup(['i-1', 'i-3'], { nodes: { 'i-1': success, 'i-3': success }, health: { 'i-1': 'passing', 'i-3': 'passing' } }), T0 + 2 * MIN);
    expect(done.next.state).toBe('succeeded');
  });

  it('succeeds with overall_status Success and a summary', () => {
    const { next, commands } = advance(deploying(), inGroup(['i-1', 'i-2'], { nodes: { 'i-1': success, 'i-2': success }, health: passing }), T0 + 2 * MIN);
    expect(commands).toEqual([{ kind: 'writeOverallStatus', deploymentId: 'd1', attempt: 1, environment: 'c50', write: { key: 'deployments/d1/overall_status', value: 'Success' } }]);
    expect(next).toMatchObject({ state: 'succeeded', endedAtMs: T0 + 2 * MIN });
    expect(next.reason).toBeUndefined();
    expect(next.log.at(-1)).toMatch(/succeeded: 2\/2 instance\(s\) installed Hello 1.2.0 and pass their health checks$/);
  });
});

describe('advance: failures name the instance and the step', () => {
  const agentReason = 'Hello 1.2.0 (c50-Hello) failed at ValidateService on i-2: hooks/validate.sh exited with code 1; output: "boom"';
  const failed = nodeStatus('Failed', { FailedStage: 'ValidateService', ErrorReason: agentReason, Log: 'http://em/logs/i-2' });
  it.each<[string, () => Deployment, Observations, number, AdvanceSettings, RegExp]>([
    ['a node that failed, with the hook output', deploying, inGroup(['i-1', 'i-2'], { nodes: { 'i-2': failed } }), 2 * MIN, {}, /^Hello 1.2.0 \(c50-Hello\) failed at ValidateService on i-2: .*output: "boom"; log: http:\/\/em\/logs\/i-2$/],
    ['a node that failed without a reason (EM agent)', deploying, inGroup(['i-1'], { nodes: { 'i-1': nodeStatus('Failed', { Log: '' }) } }), 2 * MIN, {}, /^instance i-1 failed at the stage after BeforeInstall$/],
    ['several failed nodes', deploying, inGroup(['i-1', 'i-2'], { nodes: { 'i-1': nodeStatus('Failed'), 'i-2': failed } }), 2 * MIN, {}, /^instance i-1 failed .*\(and 1 more: i-2\)$/],
    ['a node in progress past the node timeout', deploying, inGroup(['i-1'], { nodes: { 'i-1': nodeStatus('In Progress') } }), 21 * MIN, {}, /^instance i-1 timed out: In Progress for more than 20 min \(stage Timed Out; last completed stage: BeforeInstall\)$/],
    ['a configured node timeout', deploying, inGroup(['i-1'], { nodes: { 'i-1': nodeStatus('In Progress') } }), 3 * MIN, { nodeTimeoutMs: 2 * MIN }, /timed out: In Progress for more than 2 min/],
    ['health failing past the deadline', deploying, inGroup(['i-1'], { nodes: { 'i-1': success }, health: { 'i-1': 'critical' } }), 6 * MIN, {}, /^instance i-1 installed Hello 1.2.0 but c50-Hello did not pass its health checks within 5 min \(health: critical\)$/],
    ['a service never registered', deploying, inGroup(['i-1'], { nodes: { 'i-1': success } }), 2 * MIN, { healthDeadlineMs: 30_000 }, /within 30 s \(health: not registered\)$/],
    ['the overall timeout while deploying', deploying, inGroup(['i-1', 'i-2'], { nodes: { 'i-1': success, 'i-2': nodeStatus('In Progress') }, health: passing }), 60 * MIN, { nodeTimeoutMs: 90 * MIN }, /^timed out after 60 min: 1\/2 instances done; waiting for i-2 \(In Progress after BeforeInstall\)$/],
    ['the overall timeout with no instance', deploying, inGroup([]), 60 * MIN, {}, /group c50-in-Web has no instance in service$/],
    ['a command that failed for good', deploying, inGroup(['i-1'], { commandFailure: { kind: 'writeTargetState', message: 'registry refused the value' } }), MIN, {}, /^writeTargetState failed: registry refused the value$/],
  ])('%s', (_name, start, obs, afterMs, settings, reason) => {
    const { next, commands } = advance(start(), obs, T0 + afterMs, settings);
    expect(next.state).toBe('failed');
    expect(next.reason).toMatch(reason);
    expect(commands).toEqual([{ kind: 'writeOverallStatus', deploymentId: 'd1', attempt: 1, environment: 'c50', write: { key: 'deployments/d1/overall_status', value: 'Failed' } }]);
  });

  it('does not time a node out before its timeout, nor one that is not in service', () => {
    const inProgress = { 'i-1': nodeStatus('In Progress'), 'i-2': nodeStatus('In Progress') };
    const d = advance(deploying(), inGroup(['i-1', 'i-2'], { nodes: inProgress }), T0 + MIN).next;
    expect(advance(d, inGroup(['i-1', 'i-2'], { nodes: inProgress }), T0 + 20 * MIN).next.state).toBe('deploying');
    expect(advance(d, inGroup(['i-1'], { nodes: { ...inProgress, 'i-1': success }, health: passing }), T0 + 25 * MIN).next.state).toBe('succeeded');
  });

  it("bounds the agent's clock: a StartTime before the request counts from the request", () => {
    const early = { 'i-1': nodeStatus('In Progress', { StartTime: '2020-01-01T00:00:00.000Z' }) };
    const d = advance(deploying(), inGroup(['i-1'], { nodes: early }), T0 + MIN).next;
    expect(d).toMatchObject({ state: 'deploying', nodes: { 'i-1': { inProgressSinceMs: T0 } } });
  });

  it('records a timed-out node as Failed at stage Timed Out', () => {
    const d = advance(deploying(), inGroup(['i-1'], { nodes: { 'i-1': nodeStatus('In Progress') } }), T0 + MIN).next;
    const { next } = advance(d, inGroup(['i-1'], { nodes: { 'i-1': nodeStatus('In Progress') } }), T0 + 22 * MIN);
    expect(next.nodes['i-1']).toMatchObject({ status: 'Failed', failedStage: 'Timed Out', inProgressSinceMs: T0 + 10_000 });
  });

  it('fails before the target state is written without touching the registry', () => {
    const provisioning = advance(requested(), observations(), T0).next;
    const { next, commands } = advance(provisioning, observations(), T0 + 60 * MIN);
    expect(next).toMatchObject({ state: 'failed', reason: 'timed out after 60 min waiting for group c50-in-Web to exist' });
    expect(commands).toEqual([]);
  });
});

describe('advance: idempotency and restarts', () => {
  it('is a fixed point: the same observations again change nothing and issue nothing', () => {
    const obs = inGroup(['i-1', 'i-2'], { nodes: { 'i-1': success, 'i-2': nodeStatus('In Progress') }, health: passing });
    const once = advance(deploying(), obs, T0 + MIN).next;
    const twice = advance(once, obs, T0 + 2 * MIN);
    expect(twice.next).toBe(once);
    expect(twice.commands).toEqual([]);
  });

  it('issues the create again after a restart that still sees no group, once per run', () => {
    const provisioning = advance(requested(), observations(), T0).next;
    const persisted = JSON.parse(JSON.stringify(provisioning)) as Deployment;
    const restarted = advance(persisted, observations({ runId: 'run-2' }), T0 + MIN);
    expect(restarted.commands).toMatchObject([{ kind: 'createGroup', attempt: 2 }]);
    expect(restarted.next.log.at(-1)).toMatch(/group c50-in-Web is still missing: creating it again \(attempt 2\)/);
    expect(advance(restarted.next, observations({ runId: 'run-2' }), T0 + 2 * MIN).commands).toEqual([]);
  });

  it('writes the target state again after a restart that finds it missing', () => {
    const d = deploying();
    expect(advance(d, inGroup(['i-1'], { targetStatePresent: false }), T0 + MIN).commands).toEqual([]);
    const again = advance(d, inGroup(['i-1'], { targetStatePresent: false, runId: 'run-2' }), T0 + MIN);
    expect(again.commands).toMatchObject([{ kind: 'writeTargetState', attempt: 2 }]);
  });

  it('never leaves a terminal state', () => {
    const done = advance(deploying(), inGroup(['i-1', 'i-2'], { nodes: { 'i-1': success, 'i-2': success }, health: passing }), T0 + MIN).next;
    for (const obs of [observations(), inGroup(['i-1'], { nodes: { 'i-1': nodeStatus('Failed') }, runId: 'run-9' })]) {
      const result = advance(done, obs, T0 + 120 * MIN);
      expect(result.next).toBe(done);
      expect(result.commands).toEqual([]);
    }
  });
});
