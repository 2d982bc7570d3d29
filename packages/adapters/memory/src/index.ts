export { createMemoryConfigStore } from './config/memory-config-store.js';
export { createMemoryCredentialStore } from './identity/memory-credential-store.js';
export { createInProcessLock } from './locks/in-process-lock.js';
export { createMemoryDeploymentStore } from './deployments/memory-deployment-store.js';
export { createInProcessEventBus } from './events/in-process-event-bus.js';
export { createMemoryCompute, type MemoryCompute, type MemoryComputeOptions } from './compute/memory-compute.js';
export { createMemoryScheduleActionLog } from './scheduling/memory-schedule-action-log.js';
