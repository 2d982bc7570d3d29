import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/** A body written to a private file, fsynced, with its checksum. */
export interface StagedFile {
  path: string;
  sha256: string;
  sizeBytes: number;
}

const STALE_MS = 24 * 60 * 60 * 1000;

/**
 * The staging folder of a store: uploads are written here first and moved into place only when complete, so a
 * reader never sees part of one. It lives inside the store's root so that the final link/rename stays on one
 * file system (and is therefore atomic).
 */
export interface Staging {
  dir: string;
  /**
   * Writes `body` to a new staging file, computing its SHA-256 on the way, and fsyncs it.
   * When `body` (or the disk) fails, the file is removed and the error is rethrown.
   */
  write(body: AsyncIterable<Uint8Array>): Promise<StagedFile>;
}

export function createStaging(dir: string): Staging {
  let ready: Promise<void> | undefined;
  const prepare = (): Promise<void> => (ready ??= mkdir(dir, { recursive: true }).then(() => removeStale(dir)));
  return {
    dir,
    async write(body: AsyncIterable<Uint8Array>): Promise<StagedFile> {
      await prepare();
      const path = join(dir, `${randomUUID()}.part`);
      const handle = await open(path, 'wx');
      const hash = createHash('sha256');
      let sizeBytes = 0;
      try {
        for await (const chunk of body) {
          hash.update(chunk);
          sizeBytes += chunk.length;
          await writeAll(handle, chunk);
        }
        await handle.sync();
      } catch (err) {
        await handle.close().catch(() => undefined);
        await rm(path, { force: true });
        throw err;
      }
      await handle.close();
      return { path, sha256: hash.digest('hex'), sizeBytes };
    },
  };
}

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

/** Files left by uploads cut short by a crash; an upload in progress writes to its file all the time. */
async function removeStale(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const cutoff = Date.now() - STALE_MS;
  for (const name of names) {
    const path = join(dir, name);
    const s = await stat(path).catch(() => undefined);
    if (s && s.mtimeMs < cutoff) await rm(path, { force: true, recursive: true });
  }
}

/** Makes a directory entry (a new link or rename) durable; a no-op where directories cannot be opened (Windows). */
export async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort: the data itself was fsynced before it was linked
  } finally {
    await handle?.close();
  }
}

/** The `code` of a Node.js system error, if it is one. */
export function errorCode(err: unknown): string | undefined {
  return err && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** Opens a regular file for reading; undefined when there is none (missing, or a folder). */
export async function openFile(path: string): Promise<AsyncIterable<Uint8Array> | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes(errorCode(err) ?? '')) return undefined;
    throw err;
  }
  const s = await handle.stat().catch(async (err: unknown) => {
    await handle.close();
    throw err;
  });
  if (!s.isFile()) {
    await handle.close();
    return undefined;
  }
  // reads the file this handle opened, even if a replacement is renamed over the path meanwhile
  return handle.createReadStream() as AsyncIterable<Uint8Array>;
}
