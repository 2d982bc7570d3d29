/**
 * Weighted canaries (issue 7, beyond EM): a blue/green deployment that, once its slice is installed and healthy,
 * moves traffic to it in weight steps (e.g. 5% → 25% → 100%) instead of waiting for a toggle. Each step lasts
 * `stepMs`; it advances only while every instance of the new slice passes its health checks and the slice's error
 * rate (5xx answers and failed connections, as the edge router counts them) stays within `maxErrorRate`. Otherwise
 * the deployment puts all traffic back on the old slice by itself and fails, naming why. Pure: `advance` calls these.
 */
import type { CanaryProgress, Command, Deployment, Observations } from './deployment.js';
import { appendLog } from './deployment-log.js';
import { recordIssue } from './commands.js';
import { canaryWeights } from './canary-plan.js';

function weightsCommand(d: Deployment, attempt: number, weights: { blue: number; green: number }, why: string): Command {
  return { kind: 'setTrafficWeights', deploymentId: d.id, attempt, environment: d.plan.environment, service: d.plan.service, weights, reason: why };
}

export interface CanaryStep {
  next: Deployment;
  commands: Command[];
  /** Set when the canary ended: succeeded (all traffic on the new slice) or failed (rolled back). */
  end?: { state: 'succeeded'; summary: string } | { state: 'failed'; reason: string };
}

/** Starts the first step once the slice is installed and healthy. */
export function startCanary(d: Deployment, c: CanaryProgress, runId: string, nowMs: number): CanaryStep {
  return enterStep(d, c, 0, runId, nowMs);
}

function enterStep(d: Deployment, c: CanaryProgress, step: number, runId: string, nowMs: number): CanaryStep {
  const percent = c.plan.steps[step] ?? 100;
  const canary: CanaryProgress = { ...c, step, stepStartedAtMs: nowMs };
  const line = `canary: step ${step + 1} of ${c.plan.steps.length}: ${percent}% of traffic to ${c.to} (${d.plan.service} ${d.plan.version}) for ${c.plan.stepMs / 1000} s`;
  const moved: Deployment = { ...d, state: 'canary', canary, updatedAtMs: nowMs, log: appendLog(d.log, nowMs, line) };
  const { issued, attempt } = recordIssue(moved, 'setTrafficWeights', runId, nowMs);
  const next = { ...moved, issued };
  return { next, commands: [weightsCommand(next, attempt, canaryWeights(c, percent), `canary step ${step + 1}`)] };
}

/** Why the new slice is not fit for more traffic, or undefined while it is. */
function breach(d: Deployment, c: CanaryProgress, obs: Observations): string | undefined {
  const sick = Object.entries(d.nodes).filter(([, n]) => n.inService && n.status === 'Success' && n.health !== 'passing');
  const [first] = sick;
  if (first) return `instance ${first[0]} of ${d.plan.consulServiceName} is ${first[1].health ?? 'unknown'}`;
  const t = obs.traffic;
  if (t && t.requests >= c.plan.minRequests && t.errors / t.requests > c.plan.maxErrorRate) {
    return `${t.errors} of ${t.requests} requests to ${c.to} failed (${pct(t.errors / t.requests)} > ${pct(c.plan.maxErrorRate)})`;
  }
  return undefined;
}

const pct = (x: number): string => `${Math.round(x * 1000) / 10}%`;

/** One step of a canary in progress: roll back, re-apply lost weights, move on, or finish. */
export function whileCanary(d: Deployment, obs: Observations, nowMs: number): CanaryStep {
  const c = d.canary;
  if (!c || c.step < 0) return { next: d, commands: [] };
  const percent = c.plan.steps[c.step] ?? 100;
  const why = breach(d, c, obs);
  if (why !== undefined) {
    return { next: d, commands: [], end: { state: 'failed', reason: `canary rolled back at ${percent}% to ${c.to}: ${why}; all traffic is back on ${c.from}` } };
  }
  const expected = canaryWeights(c, percent);
  const lost = obs.sliceWeights !== undefined && (obs.sliceWeights.blue !== expected.blue || obs.sliceWeights.green !== expected.green);
  if (lost && d.issued.setTrafficWeights?.runId !== obs.runId) {
    const { issued, attempt } = recordIssue(d, 'setTrafficWeights', obs.runId, nowMs);
    const next = { ...d, issued, updatedAtMs: nowMs, log: appendLog(d.log, nowMs, `canary: the weights of step ${c.step + 1} are not in place: setting them again`) };
    return { next, commands: [weightsCommand(next, attempt, expected, `canary step ${c.step + 1} again`)] };
  }
  if (nowMs - (c.stepStartedAtMs ?? nowMs) < c.plan.stepMs) return { next: d, commands: [] };
  if (c.step + 1 < c.plan.steps.length) return enterStep(d, c, c.step + 1, obs.runId, nowMs);
  const summary = `canary: ${c.plan.steps.map((s) => `${s}%`).join(' → ')} → 100% to ${c.to}; ${d.plan.service} ${d.plan.version} takes all traffic`;
  return { next: d, commands: [], end: { state: 'succeeded', summary } };
}

/** The command that ends a canary: all traffic to the new slice (succeeded) or back to the old one. */
export function canaryEndCommand(d: Deployment, attempt: number, succeeded: boolean): Command | undefined {
  const c = d.canary;
  if (!c || c.step < 0) return undefined;
  return weightsCommand(d, attempt, canaryWeights(c, succeeded ? 100 : 0), succeeded ? 'canary complete' : 'canary rolled back');
}
