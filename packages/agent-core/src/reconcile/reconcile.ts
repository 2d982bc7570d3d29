/**
 * The agent's decision: what to install and what to remove, from the target state and what the node runs
 * (SPEC §6 "Convergence", with EM's fix: a removed entry or `Action: Uninstall` undeploys). Pure.
 */
import { serviceIdOf } from '../naming/naming.js';
import type { ServiceTarget, Slice } from '../target-state/target-state.js';

/** A service installed on this node, as the agent's state records it. */
export interface InstalledService {
  /** `<env>-<svc>[-<slice>]`. */
  serviceId: string;
  service: string;
  version: string;
  slice: Slice;
  deploymentId: string;
}

export interface DesiredState {
  environment: string;
  instanceId: string;
  /** The role's entries (parseTargetState). */
  targets: readonly ServiceTarget[];
}

export interface ActualState {
  installed: readonly InstalledService[];
  /**
   * Deployments this node has already attempted (SPEC §6 "attempt check": an id is tried once per node; a retry
   * needs a new deployment). An attempted id that is not installed failed here and is not tried again.
   */
  attemptedDeploymentIds: readonly string[];
}

export type AgentAction =
  | {
      kind: 'install';
      serviceId: string;
      target: ServiceTarget;
      /** The installed version this one replaces (its ApplicationStop runs first), if any. */
      replaces?: InstalledService;
    }
  | {
      kind: 'uninstall';
      serviceId: string;
      installed: InstalledService;
      /** `target-removed`: no entry names the service any more; `action-uninstall`: its entry says `Uninstall`. */
      reason: 'target-removed' | 'action-uninstall';
    };

const byKey = (a: ServiceTarget, b: ServiceTarget): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * What to do, one entry at a time:
 * - Services no entry names any more are uninstalled first (by service id), which frees their ports before
 *   anything new starts.
 * - Then the entries in key order, each service id and each deployment id once:
 *   `Install` installs (or upgrades) unless a service with that deployment id is installed, or this node already
 *   attempted that deployment; `Ignore` leaves the service as it is; `Uninstall` removes it if installed.
 * - An entry whose `InstanceIds` is non-empty and leaves this instance out counts as `Ignore` here.
 */
export function reconcile(desired: DesiredState, actual: ActualState): AgentAction[] {
  const installed = new Map(actual.installed.map((s) => [s.serviceId, s]));
  const attempted = new Set(actual.attemptedDeploymentIds);
  const claimed = new Set<string>();
  const deploymentsSeen = new Set<string>();
  const entryActions: AgentAction[] = [];

  for (const target of [...desired.targets].sort(byKey)) {
    const serviceId = serviceIdOf(desired.environment, target.service, target.slice);
    if (claimed.has(serviceId)) continue;
    claimed.add(serviceId);
    const current = installed.get(serviceId);
    const forThisNode = target.instanceIds.length === 0 || target.instanceIds.includes(desired.instanceId);
    if (!forThisNode || target.action === 'Ignore') continue;
    if (target.action === 'Uninstall') {
      if (current) entryActions.push({ kind: 'uninstall', serviceId, installed: current, reason: 'action-uninstall' });
      continue;
    }
    if (current?.deploymentId === target.deploymentId) continue;
    if (attempted.has(target.deploymentId) || deploymentsSeen.has(target.deploymentId)) continue;
    deploymentsSeen.add(target.deploymentId);
    entryActions.push(current ? { kind: 'install', serviceId, target, replaces: current } : { kind: 'install', serviceId, target });
  }

  const removed: AgentAction[] = [...installed.values()]
    .filter((s) => !claimed.has(s.serviceId))
    .sort((a, b) => (a.serviceId < b.serviceId ? -1 : a.serviceId > b.serviceId ? 1 : 0))
    .map((s) => ({ kind: 'uninstall', serviceId: s.serviceId, installed: s, reason: 'target-removed' }));
  return [...removed, ...entryActions];
}
