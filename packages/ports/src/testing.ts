export { configStoreContract, type ConfigStoreFixture } from './config/config-store.contract.js';
export { credentialStoreContract, type CredentialStoreFixture } from './identity/credential-store.contract.js';
export { computeContract, type ComputeFixture } from './compute/compute.contract.js';
export { packageStoreContract, type PackageStoreFixture } from './packages/package-store.contract.js';
export { blobStoreContract, type BlobStoreFixture } from './packages/blob-store.contract.js';
export { createMemoryPackageStore, createMemoryBlobStore } from './packages/memory-stores.js';
export { registryContract, type RegistryFixture, type RegistryNodeClient } from './registry/registry.contract.js';
export { lockContract, type LockFixture } from './locks/lock.contract.js';
export { deploymentStoreContract, type DeploymentStoreFixture, type ContractDeploymentRecord } from './deployments/deployment-store.contract.js';
