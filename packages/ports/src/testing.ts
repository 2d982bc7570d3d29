export { configStoreContract, type ConfigStoreFixture } from './config/config-store.contract.js';
