import { mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InvalidStorageKeyError } from '@envmgr/domain';
import { checkBlobKey, checkBlobPrefix, type BlobInfo, type BlobStore } from '@envmgr/ports';
import { createStaging, errorCode, openFile, syncDir } from './staging.js';

export interface FsBlobStoreOptions {
  /** The folder that holds the blobs, one file per key (`logs/c50/x.log` is `<root>/logs/c50/x.log`); created when missing. */
  root: string;
}

/**
 * A BlobStore in a folder. Keys are checked by the port's rules before any path is built, so none can leave `root`.
 * A blob is written to `<root>/.staging/`, fsynced, then renamed over the old one, so readers see either.
 *
 * Unlike S3, a folder cannot also be a file: a key cannot be both a blob and a prefix of other blobs' keys
 * (`logs/a` and `logs/a/b`); the second is refused with `InvalidStorageKeyError`.
 */
export function createFsBlobStore(opts: FsBlobStoreOptions): BlobStore {
  const staging = createStaging(join(opts.root, '.staging'));
  const fileOf = (key: string): string => {
    checkBlobKey(key);
    return join(opts.root, ...key.split('/'));
  };

  return {
    async put(key, body) {
      const file = fileOf(key);
      const staged = await staging.write(body);
      try {
        await mkdir(dirname(file), { recursive: true }).catch((err: unknown) => {
          if (['EEXIST', 'ENOTDIR'].includes(errorCode(err) ?? '')) throw new InvalidStorageKeyError(key, 'a part of it is already a blob, so it cannot hold others');
          throw err;
        });
        await rename(staged.path, file).catch((err: unknown) => {
          if (['EISDIR', 'ENOTEMPTY', 'EEXIST', 'EPERM'].includes(errorCode(err) ?? '')) {
            throw new InvalidStorageKeyError(key, 'it is already the folder of other blobs');
          }
          throw err;
        });
        await syncDir(dirname(file));
        return { sha256: staged.sha256, sizeBytes: staged.sizeBytes };
      } finally {
        await rm(staged.path, { force: true });
      }
    },

    async open(key) {
      return openFile(fileOf(key));
    },

    async stat(key) {
      const s = await statFile(fileOf(key));
      return s && { key, sizeBytes: s.size, storedAt: s.mtime.toISOString() };
    },

    async list(prefix) {
      checkBlobPrefix(prefix);
      // start at the deepest folder the prefix names whole; the rest of the prefix filters names
      const base = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
      const found: BlobInfo[] = [];
      await walk(opts.root, base, prefix, found);
      return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },

    async delete(key) {
      const file = fileOf(key);
      if (!(await statFile(file))) return false;
      try {
        await unlink(file);
        return true;
      } catch (err) {
        if (errorCode(err) === 'ENOENT') return false;
        throw err;
      }
    },
  };
}

async function statFile(file: string) {
  const s = await stat(file).catch((err: unknown) => {
    if (['ENOENT', 'ENOTDIR'].includes(errorCode(err) ?? '')) return undefined;
    throw err;
  });
  return s?.isFile() ? s : undefined;
}

/** Adds the blobs under folder `dir` (a key prefix without trailing `/`) whose keys start with `prefix`. */
async function walk(root: string, dir: string, prefix: string, found: BlobInfo[]): Promise<void> {
  const entries = await readdir(dir ? join(root, ...dir.split('/')) : root, { withFileTypes: true }).catch((err: unknown) => {
    if (['ENOENT', 'ENOTDIR'].includes(errorCode(err) ?? '')) return [];
    throw err;
  });
  for (const e of entries) {
    // names starting with '.' are never keys (the staging folder is one); links are never made by this store
    if (e.name.startsWith('.') || e.isSymbolicLink()) continue;
    const key = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) {
      const folder = `${key}/`;
      if (folder.startsWith(prefix) || prefix.startsWith(folder)) await walk(root, key, prefix, found);
    } else if (e.isFile() && key.startsWith(prefix)) {
      const s = await statFile(join(root, ...key.split('/')));
      if (s) found.push({ key, sizeBytes: s.size, storedAt: s.mtime.toISOString() });
    }
  }
}
