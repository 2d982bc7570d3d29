import type { Deployment } from '@envmgr/domain';
import type { EventBus } from '@envmgr/ports';

/** The event type of every change of a deployment record; its data is the record's summary (no log). */
export const DEPLOYMENT_UPDATED = 'deployment.updated';

/** A deployment's nodes as the API shows them (the event's data and `GET /deployments/{id}`), by instance id order. */
export function deploymentNodesView(d: Deployment) {
  return Object.entries(d.nodes).map(([instanceId, n]) => ({
    instanceId,
    status: n.status,
    inService: n.inService,
    lastCompletedStage: n.lastCompletedStage,
    ...(n.health !== undefined ? { health: n.health } : {}),
    ...(n.failedStage !== undefined ? { failedStage: n.failedStage } : {}),
    ...(n.errorReason !== undefined ? { errorReason: n.errorReason } : {}),
    ...(n.log !== undefined ? { log: n.log } : {}),
  }));
}

/** Tells followers (SSE clients: the web UI, `envmgr deploy --wait`) that a deployment changed. */
export function publishDeployment(deps: { events: EventBus }, d: Deployment): void {
  deps.events.publish({
    type: DEPLOYMENT_UPDATED,
    subject: { deployment: d.id, environment: d.plan.environment, service: d.plan.service },
    data: {
      id: d.id,
      status: d.state,
      environment: d.plan.environment,
      service: d.plan.service,
      version: d.plan.version,
      // who asked: the event log's actor of `deployment.requested` (docs/notifications.md)
      ...(d.request.requestedBy !== undefined ? { user: d.request.requestedBy } : {}),
      ...(d.reason !== undefined ? { reason: d.reason } : {}),
      lastLog: d.log[d.log.length - 1] ?? '',
      nodes: deploymentNodesView(d),
    },
  });
}
