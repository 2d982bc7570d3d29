export { createMemoryConfigStore } from './config/memory-config-store.js';
