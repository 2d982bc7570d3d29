import type { BlobStore, PackageStore } from '@envmgr/ports';

/** What the package and log routes need; `HttpDeps.packages`. */
export interface PackagesHttpDeps {
  store: PackageStore;
  blobs: BlobStore;
  /** Where uploads are staged while they are inspected; best on the same disk as the package store. */
  stagingDir: string;
  /** Largest package accepted. @default 512 MiB */
  maxPackageBytes?: number | undefined;
  /** Largest deployment log accepted. @default 16 MiB */
  maxLogBytes?: number | undefined;
  /** The origin upload URLs point at, e.g. `https://em.example.com`. @default the origin of the request */
  publicBaseUrl?: string | undefined;
}
