import { describe, expect, it } from 'vitest';
import { advance, cancel } from './advance.js';
import type { Deployment } from './deployment.js';
import { MIN, T0, inGroup, nodeStatus, observations, planFixture } from './fixtures.js';

function requested(): Deployment {
  const p = planFixture();
  if (!p.ok) throw new Error(p.message);
  return p.deployment;
}
const provisioning = () => advance(requested(), observations(), T0).next;
const deploying = () => advance(provisioning(), inGroup(['i-1'], { targetStatePresent: false }), T0 + 1000).next;

describe('cancel (SPEC §5 "Cancel")', () => {
  it('flips the role key to Ignore, then sets overall_status Cancelled, and says instances keep what they have', () => {
    const result = cancel(deploying(), T0 + MIN, { by: 'alice' });
    if (!result.ok) throw new Error(result.message);
    expect(result.commands).toEqual([
      {
        kind: 'markIgnored',
        deploymentId: 'd1',
        attempt: 1,
        environment: 'c50',
        write: {
          key: 'environments/c50/roles/Web/services/Hello/none',
          value: '{"Name":"Hello","Version":"1.2.0","Slice":"none","DeploymentId":"d1","InstanceIds":[],"Action":"Ignore"}',
        },
        onlyIfDeploymentId: 'd1',
      },
      { kind: 'writeOverallStatus', deploymentId: 'd1', attempt: 1, environment: 'c50', write: { key: 'deployments/d1/overall_status', value: 'Cancelled' } },
    ]);
    expect(result.next).toMatchObject({ state: 'cancelled', endedAtMs: T0 + MIN });
    expect(result.next.reason).toBe(
      'cancelled by alice; instances keep what they have installed, installs already running finish, and new instances will not install Hello 1.2.0',
    );
  });

  it.each<[string, () => Deployment, string]>([
    ['requested', requested, 'cancelled before the target state was written; nothing was installed'],
    ['provisioning', provisioning, 'cancelled before the target state was written; nothing was installed (group c50-in-Web stays as it is)'],
  ])('cancels a %s deployment without touching the registry', (_state, start, reason) => {
    const result = cancel(start(), T0 + MIN);
    expect(result).toMatchObject({ ok: true, commands: [], next: { state: 'cancelled', reason } });
  });

  it('refuses a deployment that already ended, and the cancelled one stays cancelled', () => {
    const result = cancel(deploying(), T0 + MIN);
    if (!result.ok) throw new Error(result.message);
    expect(cancel(result.next, T0 + 2 * MIN)).toMatchObject({ ok: false, code: 'deployment-finished', kind: 'conflict' });
    const later = advance(result.next, inGroup(['i-1'], { nodes: { 'i-1': nodeStatus('Success') }, health: { 'i-1': 'passing' } }), T0 + 3 * MIN);
    expect(later).toEqual({ next: result.next, commands: [] });
  });
});
