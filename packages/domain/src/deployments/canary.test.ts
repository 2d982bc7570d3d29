import { describe, expect, it } from 'vitest';
import { advance, cancel } from './advance.js';
import { canaryWeights, checkCanary } from './canary-plan.js';
import type { Deployment, Observations } from './deployment.js';
import { MIN, T0, inGroup, nodeStatus, planFixture } from './fixtures.js';

const S = 1000;
const canaryRequest = { mode: 'bluegreen', slice: 'green', canary: { steps: [10, 50], stepSeconds: 60, maxErrorRate: 0.05, minRequests: 10 } };

/** A canary deployment of Hello 1.2.0 to green on i-1, installed and healthy, in its first step at T0 + 3 s. */
function inFirstStep(): Deployment {
  const p = planFixture(canaryRequest);
  if (!p.ok) throw new Error(p.message);
  const provisioning = advance(p.deployment, inGroup(['i-1']), T0).next;
  const deploying = advance(provisioning, inGroup(['i-1'], { targetStatePresent: false }), T0 + S).next;
  const r = advance(deploying, healthy(), T0 + 3 * S);
  expect(r.next.state).toBe('canary');
  return r.next;
}

const healthy = (over: Partial<Observations> = {}): Observations => inGroup(['i-1'], { nodes: { 'i-1': nodeStatus('Success') }, health: { 'i-1': 'passing' }, ...over });

describe('canary requests', () => {
  it('needs blue/green, ascending steps from 1 to 99 and sane bounds', () => {
    expect(checkCanary({})).toEqual({ ok: true, plan: { steps: [5, 25], stepMs: 60_000, maxErrorRate: 0.01, minRequests: 20 } });
    expect(checkCanary({ steps: [25, 5] })).toMatchObject({ ok: false, path: 'canary.steps' });
    expect(checkCanary({ steps: [100] })).toMatchObject({ ok: false, path: 'canary.steps' });
    expect(checkCanary({ maxErrorRate: 2 })).toMatchObject({ ok: false, path: 'canary.maxErrorRate' });
    const overwrite = planFixture({ canary: {} });
    expect(overwrite).toMatchObject({ ok: false, code: 'canary-needs-bluegreen' });
  });

  it('weights: the new slice takes the step\'s share; 100 and 0 leave one slice up', () => {
    const c = { from: 'blue', to: 'green' } as const;
    expect(canaryWeights(c, 10)).toEqual({ blue: 90, green: 10 });
    expect(canaryWeights(c, 100)).toEqual({ blue: 0, green: 1 });
    expect(canaryWeights(c, 0)).toEqual({ blue: 1, green: 0 });
  });
});

describe('advance: a canary', () => {
  it('starts once the slice is installed and healthy, with the first step\'s weights, logged', () => {
    const d = inFirstStep();
    expect(d.canary).toMatchObject({ from: 'blue', to: 'green', step: 0, stepStartedAtMs: T0 + 3 * S });
    expect(d.log.at(-1)).toMatch(/canary: step 1 of 2: 10% of traffic to green \(Hello 1\.2\.0\) for 60 s/);
    expect(d.issued.setTrafficWeights).toMatchObject({ attempt: 1 });
  });

  it('steps on after stepSeconds while healthy and within the error rate, then sends all traffic to the new slice', () => {
    const first = inFirstStep();
    const at = T0 + 3 * S;
    const quiet = healthy({ sliceWeights: { blue: 90, green: 10 }, traffic: { requests: 100, errors: 2 } });
    expect(advance(first, quiet, at + 30 * S).commands).toEqual([]);
    const second = advance(first, quiet, at + MIN);
    expect(second.next.canary?.step).toBe(1);
    expect(second.commands).toMatchObject([{ kind: 'setTrafficWeights', weights: { blue: 50, green: 50 }, environment: 'c50', service: 'Hello' }]);
    const done = advance(second.next, healthy({ sliceWeights: { blue: 50, green: 50 } }), at + 2 * MIN);
    expect(done.next.state).toBe('succeeded');
    expect(done.commands.map((c) => [c.kind, c.kind === 'setTrafficWeights' ? c.weights : undefined])).toEqual([
      ['setTrafficWeights', { blue: 0, green: 1 }],
      ['writeOverallStatus', undefined],
    ]);
    expect(done.next.log.at(-1)).toMatch(/succeeded: canary: 10% → 50% → 100% to green/);
  });

  it('rolls back by itself when the new slice\'s error rate breaks the bound, once enough requests were seen', () => {
    const first = inFirstStep();
    const few = healthy({ traffic: { requests: 5, errors: 5 } });
    expect(advance(first, few, T0 + 10 * S).next.state).toBe('canary');
    const r = advance(first, healthy({ traffic: { requests: 40, errors: 4 } }), T0 + 10 * S);
    expect(r.next.state).toBe('failed');
    expect(r.next.reason).toBe('canary rolled back at 10% to green: 4 of 40 requests to green failed (10% > 5%); all traffic is back on blue');
    expect(r.commands[0]).toMatchObject({ kind: 'setTrafficWeights', weights: { blue: 1, green: 0 } });
  });

  it('rolls back when an instance of the new slice stops passing its health checks', () => {
    const r = advance(inFirstStep(), healthy({ health: { 'i-1': 'critical' } }), T0 + 10 * S);
    expect(r.next.state).toBe('failed');
    expect(r.next.reason).toMatch(/instance i-1 of c50-Hello-green is critical/);
    expect(r.commands[0]).toMatchObject({ kind: 'setTrafficWeights', weights: { blue: 1, green: 0 } });
  });

  it('sets the step\'s weights again when a new driver run finds them changed', () => {
    const first = inFirstStep();
    const lost = healthy({ runId: 'run-2', sliceWeights: { blue: 1, green: 0 } });
    expect(advance(first, lost, T0 + 10 * S).commands).toMatchObject([{ kind: 'setTrafficWeights', weights: { blue: 90, green: 10 }, attempt: 2 }]);
    expect(advance(first, { ...lost, runId: 'run-1' }, T0 + 10 * S).commands).toEqual([]);
  });

  it('a cancel during a canary puts the traffic back on the old slice', () => {
    const r = cancel(inFirstStep(), T0 + 10 * S, { by: 'alice' });
    if (!r.ok) throw new Error(r.message);
    expect(r.next.state).toBe('cancelled');
    expect(r.commands.map((c) => c.kind)).toEqual(['setTrafficWeights', 'markIgnored', 'writeOverallStatus']);
    expect(r.commands[0]).toMatchObject({ weights: { blue: 1, green: 0 } });
  });
});
