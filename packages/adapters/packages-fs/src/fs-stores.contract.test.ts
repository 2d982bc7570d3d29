import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blobStoreContract, packageStoreContract } from '@envmgr/ports/testing';
import { createFsBlobStore } from './fs-blob-store.js';
import { createFsPackageStore } from './fs-package-store.js';

packageStoreContract('fs', async () => {
  const root = await mkdtemp(join(tmpdir(), 'envmgr-pkg-'));
  return { store: createFsPackageStore({ root }), dispose: () => rm(root, { recursive: true, force: true }) };
});

blobStoreContract('fs', async () => {
  const root = await mkdtemp(join(tmpdir(), 'envmgr-blob-'));
  return { store: createFsBlobStore({ root }), dispose: () => rm(root, { recursive: true, force: true }) };
});
