import { constants } from 'node:fs';
import { access, chmod, cp, mkdir, readdir, rm, stat, statfs } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { FileMapping } from '@envmgr/agent-core';

/** Where an appspec destination goes under the files root (`/opt/x` → `<root>/opt/x`; root `/` keeps it). */
export function mapDestination(filesRoot: string, destination: string): string {
  const parts = destination.replace(/^[A-Za-z]:/, '').split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  return resolve(filesRoot, ...parts);
}

/**
 * The paths a set of mappings writes, under the files root: a folder source fills its destination, a file source
 * goes into its destination folder under its own name.
 */
export async function mappedTargets(archiveDir: string, filesRoot: string, files: readonly FileMapping[]): Promise<{ from: string; to: string; isDir: boolean }[]> {
  const out: { from: string; to: string; isDir: boolean }[] = [];
  for (const f of files) {
    const from = f.source === '' ? archiveDir : join(archiveDir, ...f.source.split('/'));
    const isDir = (await stat(from)).isDirectory();
    const dest = mapDestination(filesRoot, f.destination);
    out.push({ from, to: isDir ? dest : join(dest, basename(from)), isDir });
  }
  return out;
}

/**
 * CopyFiles (SPEC §6): empties each target, then copies. Returns the paths written, for a later uninstall.
 * Modes are kept (`cp` copies them).
 */
export async function copyMappedFiles(archiveDir: string, filesRoot: string, files: readonly FileMapping[]): Promise<string[]> {
  const targets = await mappedTargets(archiveDir, filesRoot, files);
  for (const t of new Set(targets.map((x) => x.to))) await rm(t, { recursive: true, force: true });
  for (const t of targets) {
    await mkdir(t.isDir ? t.to : dirname(t.to), { recursive: true });
    await cp(t.from, t.to, { recursive: true, force: true, errorOnExist: false });
  }
  return [...new Set(targets.map((x) => x.to))];
}

/** Removes paths written by `copyMappedFiles`, never the files root itself or anything outside it. */
export async function removeCopiedFiles(filesRoot: string, paths: readonly string[]): Promise<void> {
  const root = resolve(filesRoot);
  for (const p of paths) {
    const abs = resolve(p);
    if (abs.startsWith(root + sep) || (root === sep && abs !== sep)) await rm(abs, { recursive: true, force: true });
  }
}

/** Free bytes for unprivileged users on the file system holding `path`. */
export async function freeDiskBytes(path: string): Promise<number> {
  const s = await statfs(path);
  return s.bavail * s.bsize;
}

/** Makes a script executable by its owner (archives made on Windows carry no exec bits). */
export async function makeExecutable(path: string): Promise<void> {
  const s = await stat(path);
  if ((s.mode & 0o100) === 0) await chmod(path, (s.mode & 0o777) | 0o700);
}

export async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Removes every entry of `dir` whose name is not in `keep`; a missing folder is fine. */
export async function pruneFolder(dir: string, keep: readonly string[]): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed = names.filter((n) => !keep.includes(n));
  for (const n of removed) await rm(join(dir, n), { recursive: true, force: true });
  return removed;
}
