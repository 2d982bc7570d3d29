import type { BlobStore, ConfigStore, PackageInspector, PackageStore } from '@envmgr/ports';

/** Ports and limits of the package use cases. */
export interface PackageDeps {
  /** Where services and environments are looked up (uploads must name configured ones). */
  config: { store: ConfigStore };
  packages: PackageStore;
  inspector: PackageInspector;
  /** Largest package accepted, in bytes. The composition root sets it (the server's default is 512 MiB). */
  maxPackageBytes: number;
}

/** Ports and limits of the deployment-log use cases. */
export interface LogDeps {
  blobs: BlobStore;
  /** Largest log accepted, in bytes. The composition root sets it (the server's default is 16 MiB). */
  maxLogBytes: number;
}
