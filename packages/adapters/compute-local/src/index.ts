export { createLocalCompute, type LocalCompute, type LocalComputeOptions } from './local-compute.js';
export {
  createProcessLauncher,
  AGENT_LOG_FILE,
  type InstanceLauncher,
  type LaunchRequest,
  type ProcessLauncherOptions,
} from './process-launcher.js';
export { instanceEnvironment } from './records.js';
export { DEFAULT_PORT_POOL, type PortPoolOptions } from './port-pool.js';
