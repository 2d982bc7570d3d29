export { createFsPackageStore, type FsPackageStoreOptions } from './fs-package-store.js';
export { createFsBlobStore, type FsBlobStoreOptions } from './fs-blob-store.js';
