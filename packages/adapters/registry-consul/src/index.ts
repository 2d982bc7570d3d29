export { createConsulRegistry, type ConsulRegistryOptions } from './consul-registry.js';
export { NODE_ADDRESS_HEADER, NODE_HEADER } from './consul-http.js';
