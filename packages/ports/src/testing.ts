export { configStoreContract, type ConfigStoreFixture } from './config/config-store.contract.js';
export { credentialStoreContract, type CredentialStoreFixture } from './identity/credential-store.contract.js';
