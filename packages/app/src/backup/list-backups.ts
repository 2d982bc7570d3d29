import { NotFoundError } from '@envmgr/domain';
import type { BlobStore } from '@envmgr/ports';
import { requireAdmin } from '../identity/access.js';
import type { RequestContext } from '../context.js';
import { DEFAULT_BACKUP_RETENTION, type BackupDeps } from './backup-deps.js';
import { BACKUP_PREFIX, isBackupId, manifestKey, parseManifest, readText, type BackupManifest } from './backup-files.js';

/** `envmgr backups`: every complete backup, newest first. */
export async function listBackups(deps: Pick<BackupDeps, 'blobs'>, req: RequestContext): Promise<BackupManifest[]> {
  requireAdmin(req.actor, 'list backups');
  return readManifests(deps.blobs);
}

/** Every complete backup (one with a manifest), newest first. */
export async function readManifests(blobs: BlobStore): Promise<BackupManifest[]> {
  const ids = (await blobs.list(BACKUP_PREFIX)).flatMap((b) => {
    const m = /^backups\/([^/]+)\/manifest\.json$/.exec(b.key);
    return m?.[1] !== undefined && isBackupId(m[1]) ? [m[1]] : [];
  });
  const manifests: BackupManifest[] = [];
  for (const id of ids.sort().reverse()) {
    const text = await readText(blobs, manifestKey(id));
    if (text !== undefined) manifests.push(parseManifest(text, manifestKey(id)));
  }
  return manifests;
}

/** The manifest of one backup. @throws NotFoundError naming the command that lists them. */
export async function readManifest(blobs: BlobStore, id: string): Promise<BackupManifest> {
  const text = isBackupId(id) ? await readText(blobs, manifestKey(id)) : undefined;
  if (text === undefined) throw new NotFoundError('backup', id, { hint: 'list the backups with `envmgr backups`' });
  return parseManifest(text, manifestKey(id));
}

/**
 * Deletes the oldest complete backups beyond the retention count, and returns their ids. Files of incomplete
 * backups (no manifest) older than the oldest kept backup are removed too: they are left-overs of failed runs.
 */
export async function pruneBackups(deps: Pick<BackupDeps, 'blobs' | 'retention' | 'events'>): Promise<string[]> {
  const keep = Math.max(1, deps.retention ?? DEFAULT_BACKUP_RETENTION);
  const complete = (await readManifests(deps.blobs)).map((m) => m.id);
  const doomed = complete.slice(keep);
  const oldestKept = complete[Math.min(keep, complete.length) - 1];
  // manifests go first, so a prune that stops half-way never leaves a listed backup without its files
  for (const id of doomed) await deps.blobs.delete(manifestKey(id));
  for (const f of await deps.blobs.list(BACKUP_PREFIX)) {
    const id = f.key.slice(BACKUP_PREFIX.length).split('/')[0] ?? '';
    const isLeftOver = !complete.includes(id) && oldestKept !== undefined && id < oldestKept;
    if (doomed.includes(id) || isLeftOver) await deps.blobs.delete(f.key);
  }
  for (const id of doomed) deps.events?.publish({ type: 'backup.deleted', subject: {}, data: { id, reason: `retention keeps ${keep}` } });
  return doomed;
}
