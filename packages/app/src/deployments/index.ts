export type { DeploymentDeps } from './deployment-deps.js';
export { requestDeployment, authorizeDeployment, DEPLOYMENTS_RESOURCE, SECURE_ZONE_RESOURCE, type DryRunPlan, type DeploymentRequestResult } from './request-deployment.js';
export { getDeployment, listDeployments, cancelDeployment, redeploy, rollback, type DeploymentFilter } from './manage-deployments.js';
export { createDriverPass, step, DRIVER_LOCK, type DriverPass, type DriverOptions } from './driver.js';
export { observe, worstOf } from './observe.js';
export { DEPLOYMENT_UPDATED, deploymentNodesView, publishDeployment } from './deployment-events.js';
export { deploymentHolds } from './deployment-holds.js';
