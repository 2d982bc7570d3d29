import type { AuditRecord, JsonObject } from '@envmgr/domain';
import type { BlobStore, ConfigStore } from '@envmgr/ports';
import { exportConfig } from '../config/export-config.js';
import { requireAdmin } from '../identity/access.js';
import type { RequestContext } from '../context.js';
import type { BackupDeps } from './backup-deps.js';
import {
  auditKey,
  BACKUP_PREFIX,
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  backupIdAt,
  chunksOf,
  configKey,
  countItems,
  manifestKey,
  type BackupManifest,
  utf8Encode,
} from './backup-files.js';
import { pruneBackups } from './list-backups.js';

/** The actor the nightly job's backups are recorded under. */
export const BACKUP_ACTOR = 'system:backup';
const AUDIT_PAGE = 5000;

export interface BackupOutcome {
  backup: BackupManifest;
  /** Ids of older backups deleted to keep the retention count. */
  pruned: string[];
}

/** `envmgr backup now`: an administrator's backup, then the retention count applied. */
export async function backupNow(deps: BackupDeps, req: RequestContext): Promise<BackupOutcome> {
  requireAdmin(req.actor, 'back up the configuration');
  return runBackup(deps, { actor: req.actor.name, requestId: req.requestId });
}

/**
 * Writes a backup (the export document as `config.json`, the whole audit chain as `audit.jsonl`, then the
 * manifest), then deletes the oldest backups beyond the retention count. The manifest is written last, so a backup
 * that fails half-way is never listed or restored; its files are removed on the way out when possible.
 */
export async function runBackup(deps: BackupDeps, by: { actor: string; requestId: string }): Promise<BackupOutcome> {
  const createdAt = new Date(deps.clock.now()).toISOString();
  const id = await freeId(deps.blobs, backupIdAt(deps.clock.now()));
  try {
    const doc = await exportConfig({ store: deps.store });
    const configText = JSON.stringify(doc);
    const config = await deps.blobs.put(configKey(id), chunksOf(configText));
    const audit = { count: 0, headSeq: 0 };
    const auditFile = await deps.blobs.put(auditKey(id), auditLines(deps.store, audit));
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      id,
      createdAt,
      createdBy: by.actor,
      configFormatVersion: doc.formatVersion as number,
      items: countItems(doc.items as JsonObject),
      auditRecords: audit.count,
      auditHeadSeq: audit.headSeq,
      files: { config: { key: configKey(id), ...config }, audit: { key: auditKey(id), ...auditFile } },
    };
    await deps.blobs.put(manifestKey(id), chunksOf(JSON.stringify(manifest, null, 2)));
    deps.events?.publish({ type: 'backup.created', subject: {}, data: { id, actor: by.actor, requestId: by.requestId, items: manifest.items, auditRecords: audit.count } });
    const pruned = await pruneBackups(deps);
    return { backup: manifest, pruned };
  } catch (err) {
    await Promise.allSettled([deps.blobs.delete(configKey(id)), deps.blobs.delete(auditKey(id))]);
    throw err;
  }
}

/** The audit chain, one JSON record per line, read page by page so a long audit is never held whole. */
async function* auditLines(store: ConfigStore, seen: { count: number; headSeq: number }): AsyncIterable<Uint8Array> {
  for (;;) {
    const page: AuditRecord[] = await store.auditChain(seen.headSeq, AUDIT_PAGE);
    if (page.length > 0) yield utf8Encode(page.map((r) => `${JSON.stringify(r)}\n`).join(''));
    seen.count += page.length;
    seen.headSeq = page.at(-1)?.seq ?? seen.headSeq;
    if (page.length < AUDIT_PAGE) return;
  }
}

/** Two backups in one second get `-2`, `-3`… so that neither overwrites the other. */
async function freeId(blobs: BlobStore, base: string): Promise<string> {
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    if ((await blobs.list(`${BACKUP_PREFIX}${id}/`)).length === 0) return id;
  }
}
