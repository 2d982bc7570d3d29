import { createWriteStream } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ValidationError } from '@envmgr/domain';
import yauzl, { type Entry, type ZipFile } from 'yauzl';

export interface UnzipLimits {
  /** @default 1 GiB */
  maxTotalBytes?: number;
  /** @default 100000 */
  maxEntries?: number;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

const invalid = (path: string, message: string) => new ValidationError([{ path, message }]);

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolvePromise, reject) => {
    // strictFileNames: a backslash in a name is refused instead of being read as a folder separator
    yauzl.open(path, { lazyEntries: true, autoClose: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) reject(invalid('archive', `the package is not a readable zip archive: ${err?.message ?? 'unknown error'}`));
      else resolvePromise(zip);
    });
  });
}

/**
 * Where an entry goes, or why it may not be written: an absolute name, a drive letter, a `..` that leaves the
 * target, or a symbolic link (zip-slip: an entry must never write outside `targetDir`).
 */
export function entryTarget(targetDir: string, entry: { fileName: string; externalFileAttributes: number }): string | { problem: string } {
  const name = entry.fileName;
  if (name.includes('\0')) return { problem: 'contains a NUL character' };
  if (isAbsolute(name) || /^[A-Za-z]:/.test(name) || name.startsWith('/') || name.startsWith('\\')) return { problem: 'is an absolute path' };
  const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
  if ((mode & S_IFMT) === S_IFLNK) return { problem: 'is a symbolic link; packages may not contain links' };
  const root = resolve(targetDir);
  const target = resolve(root, name);
  const rel = relative(root, target);
  if (rel === '' && !name.endsWith('/')) return { problem: 'names the archive folder itself' };
  if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return { problem: 'leaves the target folder (zip-slip)' };
  return target;
}

/**
 * Unpacks `zipPath` into `targetDir` (created if missing) and returns the archive's file paths, `/`-separated and
 * relative, in archive order. Unix permission bits stored in the archive are kept (hooks stay executable). Fails
 * with `ValidationError` naming the entry on an entry that would escape the folder, a link, a corrupt archive, or
 * an archive above the limits; what was written until then stays for the caller to remove.
 */
export async function unzipSafely(zipPath: string, targetDir: string, limits: UnzipLimits = {}): Promise<string[]> {
  const maxTotalBytes = limits.maxTotalBytes ?? 1024 ** 3;
  const maxEntries = limits.maxEntries ?? 100_000;
  await mkdir(targetDir, { recursive: true });
  const zip = await openZip(zipPath);
  if (zip.entryCount > maxEntries) {
    zip.close();
    throw invalid('archive', `the package has ${zip.entryCount} entries, more than the limit of ${maxEntries}`);
  }
  const files: string[] = [];
  let total = 0;
  try {
    await new Promise<void>((resolvePromise, reject) => {
      const fail = (err: unknown) => {
        zip.close();
        reject(err instanceof ValidationError ? err : invalid('archive', `the package cannot be unpacked: ${err instanceof Error ? err.message : String(err)}`));
      };
      zip.on('error', fail);
      zip.on('end', () => resolvePromise());
      zip.on('entry', (entry: Entry) => {
        writeEntry(zip, entry, targetDir, (size) => {
          total += size;
          if (total > maxTotalBytes) throw invalid('archive', `the package unpacks to more than ${maxTotalBytes} bytes`);
        })
          .then((file) => {
            if (file !== undefined) files.push(file);
            zip.readEntry();
          })
          .catch(fail);
      });
      zip.readEntry();
    });
  } finally {
    if (zip.isOpen) zip.close();
  }
  return files;
}

async function writeEntry(zip: ZipFile, entry: Entry, targetDir: string, count: (size: number) => void): Promise<string | undefined> {
  const target = entryTarget(targetDir, entry);
  if (typeof target !== 'string') throw invalid(entry.fileName, `the package entry '${entry.fileName}' ${target.problem}`);
  if (entry.fileName.endsWith('/')) {
    await mkdir(target, { recursive: true });
    return undefined;
  }
  count(entry.uncompressedSize);
  await mkdir(dirname(target), { recursive: true });
  const stream = await new Promise<NodeJS.ReadableStream>((res, rej) => zip.openReadStream(entry, (err, s) => (err || !s ? rej(err ?? new TypeError('no stream')) : res(s))));
  await pipeline(stream, createWriteStream(target, { flags: 'w' }));
  const mode = (entry.externalFileAttributes >>> 16) & 0o777;
  if (mode !== 0) await chmod(target, mode | 0o600);
  return relative(targetDir, target).split(sep).join('/');
}

/** Joins archive-relative paths onto a folder (helper for callers holding `/`-separated paths). */
export const inArchive = (archiveDir: string, path: string): string => join(archiveDir, ...path.split('/'));
