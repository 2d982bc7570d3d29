import { NotFoundError, PayloadTooLargeError, type Actor } from '@envmgr/domain';
import type { BlobInfo, StoredBlob } from '@envmgr/ports';
import { requirePermission, requireSignedIn } from '../identity/access.js';
import { limitBytes } from './limit-bytes.js';
import type { LogDeps } from './package-deps.js';

/** Logs live under this prefix of the blob store, apart from other blobs such as backups. */
const LOGS = 'logs/';

export interface UploadLogCommand {
  /** The log's key below `logs/`, e.g. `c50/c50-Hello/deployment-i-0abc-42.log` (SPEC §6). */
  key: string;
  body: AsyncIterable<Uint8Array>;
  /** The size the client announced (Content-Length), checked before anything is read. */
  declaredSizeBytes?: number | undefined;
}

/**
 * Stores (or replaces) a deployment log, as agents upload them (SPEC §6). Needs permission for PUT on
 * `/logs/<key>`.
 * @throws ForbiddenError, PayloadTooLargeError, InvalidStorageKeyError (a key outside the BlobStore rules)
 */
export async function uploadLog(deps: LogDeps, actor: Actor, cmd: UploadLogCommand): Promise<StoredBlob & { key: string }> {
  requirePermission(actor, { method: 'PUT', resource: `/logs/${cmd.key}` });
  if (cmd.declaredSizeBytes !== undefined && cmd.declaredSizeBytes > deps.maxLogBytes) {
    throw new PayloadTooLargeError(`the log (${cmd.declaredSizeBytes} bytes)`, deps.maxLogBytes);
  }
  const stored = await deps.blobs.put(LOGS + cmd.key, limitBytes(cmd.body, deps.maxLogBytes, 'the log'));
  return { key: cmd.key, ...stored };
}

/** One log's bytes and facts. @throws NotFoundError, InvalidStorageKeyError */
export async function readLog(deps: Pick<LogDeps, 'blobs'>, actor: Actor, key: string): Promise<{ info: BlobInfo; body: AsyncIterable<Uint8Array> }> {
  requireSignedIn(actor);
  const info = await deps.blobs.stat(LOGS + key);
  const body = info && (await deps.blobs.open(LOGS + key));
  if (!info || !body) throw new NotFoundError('log', key);
  return { info: { ...info, key }, body };
}

/** The logs whose keys start with `prefix` (keys below `logs/`), in key order. @throws InvalidStorageKeyError */
export async function listLogs(deps: Pick<LogDeps, 'blobs'>, actor: Actor, prefix: string): Promise<BlobInfo[]> {
  requireSignedIn(actor);
  const found = await deps.blobs.list(LOGS + prefix);
  return found.map((b) => ({ ...b, key: b.key.slice(LOGS.length) }));
}
