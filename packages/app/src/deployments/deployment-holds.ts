import { isActiveDeploymentState, type DeploymentStore } from '@envmgr/ports';
import { ACTIVE_STATES, type Deployment } from '@envmgr/domain';

/** More active deployments than this at once is far beyond any estate; the rest are read on the next pass. */
const MAX_ACTIVE = 1000;

/**
 * The groups that deployments in progress hold on, by group name, with why: the scheduler switches none of them off
 * while their deployment runs (schedule-aware deployments). A deployment that woke its group says so.
 */
export async function deploymentHolds(deps: { deployments: DeploymentStore<Deployment> }): Promise<ReadonlyMap<string, string>> {
  const active = await deps.deployments.list({ states: ACTIVE_STATES, limit: MAX_ACTIVE });
  const held = new Map<string, string>();
  for (const { record: d } of active) {
    if (!isActiveDeploymentState(d.state) || held.has(d.plan.group.name)) continue;
    const woke = d.wake ? ', which woke it' : '';
    held.set(d.plan.group.name, `deployment ${d.id} of ${d.plan.service} ${d.plan.version} is in progress${woke}`);
  }
  return held;
}
