export * from './deployment.js';
export { checkDeploymentRequest, MAX_VERSION_LENGTH } from './deployment-request.js';
export { planDeployment, targetStateWrites, LOCAL_PACKAGE_BUCKET, type DeploymentConfigView } from './plan-deployment.js';
export { advance, cancel, timeoutsOf, type AdvanceResult } from './advance.js';
export { CANARY_DEFAULTS, canaryWeights, checkCanary, type CanaryCheck } from './canary-plan.js';
export { TIMED_OUT_STAGE, type Timeouts } from './monitor.js';
export { groupSpecOf, volumesOf, SERVER_ROLE_DEFAULTS, type OwningCluster } from './group-spec.js';
export { readServerRole, resolveServerRole, serverRolesOf, type ServerRole } from './server-role.js';
export {
  consulServiceNameOf,
  groupNameOf,
  instanceNamePrefixOf,
  packageKeyOf,
  PACKAGE_KEY_PREFIX,
  runtimeServerRoleOf,
  slicePortOf,
} from './naming.js';
export {
  deploymentServiceKey,
  nodeStatusKey,
  nodeStatusPrefix,
  overallStatusKey,
  parseNodeStatusValue,
  renderTargetState,
  roleServiceKey,
  roleServiceValue,
  isTraceparent,
  serviceDefinitionKey,
  serviceInstallationKey,
  type KvWrite,
  type NodeStatusValue,
  type OverallStatus,
  type RoleServiceValue,
  type TargetStateInput,
} from './target-state.js';
