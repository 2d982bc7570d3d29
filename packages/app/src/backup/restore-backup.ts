import {
  CorruptDataError,
  DomainError,
  ENTITIES,
  ENTITY_TYPES,
  isJsonObject,
  itemFacts,
  UnprocessableError,
  type EntityType,
  type JsonObject,
} from '@envmgr/domain';
import type { ConfigChange } from '@envmgr/ports';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION } from '../config/export-config.js';
import { importConfig, type ImportItem, type ImportOutcome } from '../config/import-config.js';
import { changeContext } from '../config/write-items.js';
import { requireAdmin } from '../identity/access.js';
import type { RequestContext } from '../context.js';
import type { BackupDeps } from './backup-deps.js';
import { BACKUP_FORMAT_VERSION, readText, type BackupManifest } from './backup-files.js';
import { readManifest } from './list-backups.js';

/** Turns the export document of a backup into import items; the HTTP layer passes its schema-checking parser. */
export type BackupDocumentParser = (doc: unknown) => Partial<Record<EntityType, ImportItem[]>>;

export interface RestoreOutcome extends ImportOutcome {
  backup: BackupManifest;
  /** Commits the restore took: 1 when it fit in one, more when the store's transaction limit split it. */
  commits: number;
}

/** Changes per commit when a restore is too large for one transaction; halved while a commit is still too large. */
const FIRST_CHUNK = 32;

/**
 * `envmgr restore <backup> [--dry-run]`: makes the configuration equal to the backup's (an import in `replace` mode
 * of every type), or with `dryRun` reports what that would change. Refuses a backup written by a newer server
 * (`backup-too-new`, 422) or whose config file does not match its checksum (`corrupt-data`).
 *
 * Atomicity: the whole restore is checked first (every problem listed, nothing written). It is then applied in one
 * commit, all or nothing. A store whose transactions cannot hold it (DynamoDB: 100 writes) gets it in several
 * commits, each all or nothing and in reference order; if one fails, the earlier ones stay, and running the restore
 * again finishes the job, since items that already match are left alone.
 */
export async function restoreBackup(
  deps: BackupDeps,
  req: RequestContext,
  cmd: { id: string; dryRun: boolean; parse?: BackupDocumentParser },
): Promise<RestoreOutcome> {
  requireAdmin(req.actor, 'restore a backup');
  const backup = await readManifest(deps.blobs, cmd.id);
  const doc = await readBackupDocument(deps, backup);
  const items = (cmd.parse ?? documentItems)(doc);
  const config = { store: deps.store, clock: deps.clock, hasher: deps.hasher };
  const plan = await importConfig(config, req, { items, mode: 'replace', dryRun: true });
  if (cmd.dryRun || plan.summary.create + plan.summary.update + plan.summary.delete === 0) return { ...plan, dryRun: cmd.dryRun, backup, commits: 0 };
  try {
    const done = await importConfig(config, req, { items, mode: 'replace', dryRun: false });
    return announce(deps, req, { ...done, backup, commits: 1 });
  } catch (err) {
    if (!(err instanceof DomainError && err.kind === 'too-large')) throw err;
  }
  const commits = await commitInChunks(deps, req, orderedChanges(plan, items));
  return announce(deps, req, { ...plan, dryRun: false, backup, commits });
}

/** The export document of a backup, checked against the manifest's checksum and this server's versions. */
async function readBackupDocument(deps: BackupDeps, backup: BackupManifest): Promise<unknown> {
  const newer = backup.formatVersion > BACKUP_FORMAT_VERSION || backup.configFormatVersion > EXPORT_FORMAT_VERSION;
  if (newer) {
    throw new UnprocessableError(
      'backup-too-new',
      `backup '${backup.id}' was written by a newer Environment Manager (backup format ${backup.formatVersion}, export format ${backup.configFormatVersion}); this server reads up to backup format ${BACKUP_FORMAT_VERSION} and export format ${EXPORT_FORMAT_VERSION}; restore it with that version or later`,
      { backup: backup.id, formatVersion: backup.formatVersion, configFormatVersion: backup.configFormatVersion, supportedFormatVersion: BACKUP_FORMAT_VERSION, supportedConfigFormatVersion: EXPORT_FORMAT_VERSION },
    );
  }
  const text = await readText(deps.blobs, backup.files.config.key);
  if (text === undefined || deps.hasher.sha256(text) !== backup.files.config.sha256) {
    throw new CorruptDataError(`the configuration file of backup '${backup.id}' is ${text === undefined ? 'missing' : 'not the one its manifest names (checksum differs)'}; restore another backup`, { backup: backup.id });
  }
  const doc: unknown = JSON.parse(text);
  if (!isJsonObject(doc) || doc.format !== EXPORT_FORMAT || !isJsonObject(doc.items)) {
    throw new CorruptDataError(`the configuration file of backup '${backup.id}' is not an ${EXPORT_FORMAT} document; restore another backup`, { backup: backup.id });
  }
  return doc;
}

/** The items of an export document, each split into its data and the Version it was exported at. */
export function documentItems(doc: unknown): Partial<Record<EntityType, ImportItem[]>> {
  const items = isJsonObject(doc) && isJsonObject(doc.items) ? doc.items : {};
  const out: Partial<Record<EntityType, ImportItem[]>> = {};
  for (const t of ENTITY_TYPES) {
    const list = items[t];
    if (!Array.isArray(list)) continue;
    out[t] = list.filter(isJsonObject).map((wire) => {
      const { Version, ...data } = wire;
      return { data, version: typeof Version === 'number' ? Version : undefined };
    });
  }
  return out;
}

/**
 * The planned changes in an order every prefix of which is valid on its own: creates and updates type by type
 * (referenced types come first in ENTITY_TYPES), then deletes in the reverse order (referrers first).
 */
function orderedChanges(plan: ImportOutcome, items: Partial<Record<EntityType, ImportItem[]>>): ConfigChange[] {
  const rank = (t: EntityType) => ENTITY_TYPES.indexOf(t);
  const dataOf = new Map<string, ImportItem>();
  for (const [type, list] of Object.entries(items) as [EntityType, ImportItem[]][]) {
    for (const item of list) dataOf.set(`${type}\u0000${keyOf(type, item.data)}`, item);
  }
  const writes: ConfigChange[] = [];
  const deletes: ConfigChange[] = [];
  for (const c of plan.changes) {
    const item = dataOf.get(`${c.type}\u0000${c.key}`);
    if (c.op === 'delete') deletes.push({ op: 'delete', type: c.type, key: c.key, expectedVersion: c.fromVersion ?? 0 });
    else if (c.op === 'create' && item) writes.push({ op: 'create', type: c.type, key: c.key, data: item.data, version: c.toVersion ?? 1, ...itemFacts(c.type, item.data) });
    else if (c.op === 'update' && item) writes.push({ op: 'update', type: c.type, key: c.key, data: item.data, expectedVersion: c.fromVersion ?? 0, ...itemFacts(c.type, item.data) });
  }
  writes.sort((a, b) => rank(a.type) - rank(b.type));
  deletes.sort((a, b) => rank(b.type) - rank(a.type));
  return [...writes, ...deletes];
}

function keyOf(type: EntityType, data: JsonObject): string {
  return ENTITIES[type].keyOf(data) ?? '';
}

/** Commits `changes` in order, as many per commit as the store takes (halving on `too-large`). */
async function commitInChunks(deps: BackupDeps, req: RequestContext, changes: ConfigChange[]): Promise<number> {
  const ctx = changeContext({ store: deps.store, clock: deps.clock, hasher: deps.hasher }, req);
  let size = FIRST_CHUNK;
  let commits = 0;
  for (let at = 0; at < changes.length; ) {
    const chunk = changes.slice(at, at + size);
    try {
      await deps.store.commit(chunk, ctx);
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'too-large' && size > 1) {
        size = Math.max(1, Math.floor(size / 2));
        continue;
      }
      throw err;
    }
    at += chunk.length;
    commits++;
  }
  return commits;
}

function announce(deps: BackupDeps, req: RequestContext, outcome: RestoreOutcome): RestoreOutcome {
  deps.events?.publish({
    type: 'backup.restored',
    subject: {},
    data: { id: outcome.backup.id, actor: req.actor.name, requestId: req.requestId, commits: outcome.commits, summary: { ...outcome.summary } },
  });
  return outcome;
}
