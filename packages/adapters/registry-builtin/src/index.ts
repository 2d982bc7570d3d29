export { createBuiltinRegistry, type BuiltinRegistry, type BuiltinRegistryOptions } from './builtin-registry.js';
export { startRegistryServer, type RegistryServer, type RegistryServerOptions } from './http/registry-server.js';
export type { Timers } from './engine/watchers.js';
export type { NodeIdentity } from './engine/agent-writes.js';
