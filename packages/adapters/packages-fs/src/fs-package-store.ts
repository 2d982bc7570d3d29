import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PackageExistsError } from '@envmgr/domain';
import { checkPackageRef, checkStoragePart, type PackageInfo, type PackageListing, type PackageRef, type PackageStore } from '@envmgr/ports';
import { createStaging, errorCode, openFile, syncDir, type Staging } from './staging.js';

export interface FsPackageStoreOptions {
  /** The folder that holds the packages; created when missing. */
  root: string;
}

/**
 * A PackageStore in a folder, laid out as SPEC §4 names packages:
 * `<root>/<svc>/<ver>[/<env>]/<svc>-<ver>[-<env>].zip`, each with a `.sha256` file beside it in `sha256sum` format
 * (so `sha256sum -c` checks a package by hand).
 *
 * An upload is written to `<root>/.staging/`, fsynced, then hard-linked into place: `link` fails when the target
 * exists, which makes "never overwrite" atomic even between processes. The checksum file is written after the
 * link; when a crash loses it, `stat` recomputes it from the package.
 */
export function createFsPackageStore(opts: FsPackageStoreOptions): PackageStore {
  const staging = createStaging(join(opts.root, '.staging'));
  const fileOf = (ref: PackageRef): string => {
    checkPackageRef(ref);
    const env = ref.environment;
    const name = `${ref.service}-${ref.version}${env !== undefined ? `-${env}` : ''}.zip`;
    return join(opts.root, ref.service, ref.version, ...(env !== undefined ? [env] : []), name);
  };

  return {
    async put(ref, body) {
      const file = fileOf(ref);
      if (await exists(file)) throw new PackageExistsError(ref);
      const staged = await staging.write(body);
      try {
        await mkdir(dirname(file), { recursive: true });
        try {
          await link(staged.path, file);
        } catch (err) {
          if (errorCode(err) === 'EEXIST') throw new PackageExistsError(ref);
          throw err;
        }
        await syncDir(dirname(file));
        await writeChecksum(staging, file, staged.sha256);
        return { sha256: staged.sha256, sizeBytes: staged.sizeBytes };
      } finally {
        await rm(staged.path, { force: true });
      }
    },

    async open(ref) {
      return openFile(fileOf(ref));
    },

    async stat(ref) {
      return infoOf(staging, fileOf(ref));
    },

    async listVersions(service) {
      checkStoragePart('the service of a package', service);
      const versions = await dirsIn(join(opts.root, service));
      const found: PackageListing[] = [];
      for (const version of versions) {
        const generic = await infoOf(staging, fileOf({ service, version }));
        if (generic) found.push({ version, ...generic });
        for (const environment of await dirsIn(join(opts.root, service, version))) {
          const specific = await infoOf(staging, fileOf({ service, version, environment }));
          if (specific) found.push({ version, environment, ...specific });
        }
      }
      return found.sort((a, b) => compare(a.version, b.version) || compare(a.environment ?? '', b.environment ?? ''));
    },
  };
}

async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

/** Folders directly in `dir` whose names are usable as key parts; none when `dir` is missing. */
async function dirsIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
    if (['ENOENT', 'ENOTDIR'].includes(errorCode(err) ?? '')) return [];
    throw err;
  });
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
}

async function infoOf(staging: Staging, file: string): Promise<PackageInfo | undefined> {
  const s = await stat(file).catch((err: unknown) => {
    if (['ENOENT', 'ENOTDIR'].includes(errorCode(err) ?? '')) return undefined;
    throw err;
  });
  if (!s?.isFile()) return undefined;
  const storedAt = s.mtime.toISOString();
  const recorded = await readChecksum(file);
  if (recorded) return { sha256: recorded, sizeBytes: s.size, storedAt };
  // the checksum file was lost (a crash right after the link): the package itself is complete, so recompute it
  const sha256 = await hashFile(file);
  await writeChecksum(staging, file, sha256);
  return { sha256, sizeBytes: s.size, storedAt };
}

const SHA256SUM_LINE = /^([0-9a-f]{64}) [ *](.+)\n?$/;

async function readChecksum(file: string): Promise<string | undefined> {
  const text = await readFile(`${file}.sha256`, 'utf8').catch(() => undefined);
  const m = text === undefined ? undefined : SHA256SUM_LINE.exec(text);
  return m?.[2] === basename(file) ? m[1] : undefined;
}

/** Writes `<file>.sha256` atomically (staged, fsynced, renamed into place). */
async function writeChecksum(staging: Staging, file: string, sha256: string): Promise<void> {
  const staged = await staging.write(textBody(`${sha256}  ${basename(file)}\n`));
  await rename(staged.path, `${file}.sha256`);
}

async function* textBody(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Uint8Array);
  return hash.digest('hex');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
