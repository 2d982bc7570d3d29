export type { ComputeDataFreshness, ServiceStateDeps } from './service-state-deps.js';
export {
  checkServiceInstallation,
  getServiceHealth,
  getServiceSlices,
  listEnvironmentServices,
  type InstallationCheckResult,
  type InstanceInstallationCheck,
  type ServiceHealthResult,
} from './services-state.js';
export { deleteTargetState, getTargetState, targetStateResource, TARGET_STATE_DELETED, type DeleteTargetStateCommand } from './target-state.js';
export { getEnvironmentServerGroup, getEnvironmentServers, type EnvironmentServers } from './servers.js';
export { compareEnvironmentVersions, MAX_COMPARED_ENVIRONMENTS } from './compare.js';
