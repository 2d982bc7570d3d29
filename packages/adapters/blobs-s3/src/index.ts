export { createS3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';
export { presignDownload, presignUpload, type PresignOptions } from './presign.js';
export { checkBuckets, createBuckets, missingBuckets } from './buckets.js';
export { createS3Client, type S3ClientOptions } from './client.js';
export { createS3PackageStore, packageKey, type S3PackageStoreOptions } from './s3-package-store.js';
