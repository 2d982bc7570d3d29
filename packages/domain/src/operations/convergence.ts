/**
 * Whether an instance runs what the target state asks of it ("converged"), and if not, what differs. Pure.
 *
 * For each entry of the instance's runtime role (its `Role` tag), as the agent reads it (SPEC §6):
 * - `Install` for this instance: the service must be registered on the instance at the entry's version and
 *   deployment, with passing checks;
 * - `Install` for other instances only, or `Ignore`: whatever runs is accepted;
 * - `Uninstall`: the service must not be registered.
 * A registration of the environment that no entry names is unexpected: the agent removes such services.
 */
import { sameName, type RunningInstance } from './registrations.js';
import { targetApplies, type RoleTarget } from './target-state-view.js';
import type { Slice } from '../deployments/deployment.js';

/** An instance's state as a machine (the Compute port's `InstanceState`). */
export type InstanceState = 'pending' | 'running' | 'stopping' | 'stopped' | 'terminated';

export type DifferenceKind = 'not-running' | 'missing' | 'version-differs' | 'deployment-differs' | 'unhealthy' | 'unexpected';

/** One way an instance differs from its target state. */
export interface Difference {
  kind: DifferenceKind;
  /** Absent for `not-running`. */
  service?: string;
  slice?: Slice;
  expected?: { version: string; deploymentId: string };
  actual?: { version: string | undefined; deploymentId: string | undefined };
  message: string;
}

export interface Convergence {
  converged: boolean;
  differences: Difference[];
}

/** One service instance on a server, with what the target state says of it. */
export interface InstanceService {
  service: string;
  slice: Slice;
  serviceId: string;
  version: string | undefined;
  deploymentId: string | undefined;
  port: number;
  status: RunningInstance['status'];
  /** Whether it is what the target state asks for (or accepts) on this instance. */
  matchesTarget: boolean;
}

/** Check outputs can be long (a script's last lines); a difference quotes the start. */
const clip = (text: string) => (text.length > 160 ? `${text.slice(0, 157)}...` : text);
const sameEntry = (t: RoleTarget, r: RunningInstance) => sameName(t.service, r.service) && t.slice === r.slice;
const what = (service: string, slice: Slice) => (slice === 'none' ? service : `${service} (${slice})`);
const versioned = (r: RunningInstance) => `${what(r.service, r.slice)}${r.version !== undefined ? ` ${r.version}` : ''}`;

function judgeEntry(t: RoleTarget, instanceId: string, found: RunningInstance | undefined): Difference | undefined {
  const svc = { service: t.service, slice: t.slice };
  const actual = found && { version: found.version, deploymentId: found.deploymentId };
  if (t.action === 'Uninstall') {
    return found ? { kind: 'unexpected', ...svc, actual, message: `${versioned(found)} is registered, but the target state says Uninstall` } : undefined;
  }
  if (t.action === 'Ignore' || !targetApplies(t, instanceId)) return undefined;
  const expected = { version: t.version, deploymentId: t.deploymentId };
  if (!found) return { kind: 'missing', ...svc, expected, message: `${what(t.service, t.slice)} ${t.version} is not registered on this instance` };
  if (found.version !== t.version) {
    return { kind: 'version-differs', ...svc, expected, actual, message: `${what(t.service, t.slice)} runs ${found.version ?? 'an unknown version'}; the target state asks for ${t.version}` };
  }
  if (found.deploymentId !== t.deploymentId) {
    return {
      kind: 'deployment-differs', ...svc, expected, actual,
      message: `${what(t.service, t.slice)} ${t.version} runs deployment ${found.deploymentId ?? '(unknown)'}; the target state asks for deployment ${t.deploymentId}`,
    };
  }
  if (found.status !== 'passing') {
    const failing = found.checks.filter((c) => c.status !== 'passing').map((c) => `${c.name || c.checkId} is ${c.status}${c.output ? ` (${clip(c.output)})` : ''}`);
    return { kind: 'unhealthy', ...svc, expected, actual, message: `${what(t.service, t.slice)} ${t.version} is ${found.status}: ${failing.join('; ')}` };
  }
  return undefined;
}

/**
 * Judges one instance. `targets` are the entries of the instance's runtime role, `running` the environment's
 * registrations on this instance. An instance that is not running is not converged (unless nothing is asked of it).
 */
export function convergenceOf(p: { instanceId: string; state: InstanceState; targets: readonly RoleTarget[]; running: readonly RunningInstance[] }): Convergence {
  const differences: Difference[] = [];
  const asked = p.targets.some((t) => t.action === 'Install' && targetApplies(t, p.instanceId));
  if (p.state !== 'running' && (asked || p.running.length > 0)) {
    differences.push({ kind: 'not-running', message: `the instance is ${p.state}, so its agent cannot converge` });
  }
  for (const t of p.targets) {
    const d = judgeEntry(t, p.instanceId, p.running.find((r) => sameEntry(t, r)));
    if (d) differences.push(d);
  }
  for (const r of p.running) {
    if (p.targets.some((t) => sameEntry(t, r))) continue;
    differences.push({
      kind: 'unexpected',
      service: r.service,
      slice: r.slice,
      actual: { version: r.version, deploymentId: r.deploymentId },
      message: `${versioned(r)} is registered, but the role's target state has no entry for it`,
    });
  }
  return { converged: differences.length === 0, differences };
}

/**
 * The services registered on an instance, each marked with whether it is the version and deployment the target
 * state asks for (or accepts) there; health is reported beside it, not judged here.
 */
export function servicesOnInstance(p: { instanceId: string; targets: readonly RoleTarget[]; running: readonly RunningInstance[] }): InstanceService[] {
  return p.running.map((r) => {
    const t = p.targets.find((x) => sameEntry(x, r));
    return {
      service: r.service,
      slice: r.slice,
      serviceId: r.serviceId,
      version: r.version,
      deploymentId: r.deploymentId,
      port: r.port,
      status: r.status,
      matchesTarget: t !== undefined && [undefined, 'unhealthy'].includes(judgeEntry(t, p.instanceId, r)?.kind),
    };
  });
}
