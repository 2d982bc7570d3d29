export {
  runningInstanceOf,
  serviceOfRegistryName,
  summarizeHealth,
  worstState,
  type CheckState,
  type HealthSummary,
  type RegisteredCheck,
  type Registration,
  type RunningInstance,
} from './registrations.js';
export {
  environmentTargetPrefix,
  readTargetState,
  targetApplies,
  targetStateOfServerRole,
  type RoleTarget,
  type ServiceDefinitionView,
  type ServiceInstallationView,
  type ServiceVersionTarget,
  type TargetAction,
  type TargetStateProblem,
  type TargetStateView,
} from './target-state-view.js';
export {
  convergenceOf,
  servicesOnInstance,
  type Convergence,
  type Difference,
  type DifferenceKind,
  type InstanceService,
  type InstanceState,
} from './convergence.js';
export { serverGroupView, type GroupInput, type InstanceInput, type ServerGroupView, type ServerInstanceView } from './servers.js';
export {
  installationChecklist,
  slicesToCheck,
  type ChecklistItem,
  type ChecklistItemName,
  type InstallationCheckInput,
  type InstallationChecklist,
} from './installation-check.js';
export {
  instancesOfService,
  serviceNames,
  serviceSlices,
  summarizeServices,
  type ServiceInstanceView,
  type ServiceSummary,
  type ServiceTargetSummary,
  type SliceSummary,
  type SliceView,
  type VersionOrder,
} from './services-view.js';
export { compareEnvironments, type EnvironmentState, type EnvironmentVersions, type ServiceComparison } from './compare.js';
