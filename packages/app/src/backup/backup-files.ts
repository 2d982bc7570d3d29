import { CorruptDataError, ENTITY_TYPES, isJsonObject, type EntityType, type JsonObject } from '@envmgr/domain';
import type { BlobStore } from '@envmgr/ports';

/** Where backups live in the blob store: `backups/<id>/{config.json,audit.jsonl,manifest.json}`. */
export const BACKUP_PREFIX = 'backups/';
export const BACKUP_FORMAT = 'envmgr-backup';
/** The backup layout this server writes and the newest it restores. */
export const BACKUP_FORMAT_VERSION = 1;

/** One stored file of a backup, with what the store recorded when it saved it. */
export interface BackupFile {
  key: string;
  sha256: string;
  sizeBytes: number;
}

/**
 * The manifest of a backup, written last: a backup without one is incomplete and is not listed. It names the
 * export format version of `config.json`, so that a server refuses a backup made by a newer one.
 */
export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  id: string;
  /** ISO 8601 UTC. */
  createdAt: string;
  /** The actor who asked for it, or `system:backup` for the nightly job. */
  createdBy: string;
  /** `formatVersion` of the export document in `config.json`. */
  configFormatVersion: number;
  /** Items per configuration type. */
  items: Partial<Record<EntityType, number>>;
  auditRecords: number;
  /** seq of the last audit record in the backup (0 for none). */
  auditHeadSeq: number;
  files: { config: BackupFile; audit: BackupFile };
}

export const manifestKey = (id: string): string => `${BACKUP_PREFIX}${id}/manifest.json`;
export const configKey = (id: string): string => `${BACKUP_PREFIX}${id}/config.json`;
export const auditKey = (id: string): string => `${BACKUP_PREFIX}${id}/audit.jsonl`;

const ID = /^\d{8}T\d{6}Z(-\d+)?$/;

/** Whether `id` has the shape of a backup id (`20260101T030000Z`, `-2` etc. for a second one in the same second). */
export function isBackupId(id: string): boolean {
  return ID.test(id);
}

/** The backup id of a time: its UTC date and time to the second, sortable as text. */
export function backupIdAt(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

export async function* chunksOf(text: string): AsyncIterable<Uint8Array> {
  yield utf8Encode(text);
}

/** UTF-8 bytes of a string (the app layer runs without Node's or the DOM's text codecs). */
export function utf8Encode(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** The string of UTF-8 bytes; a malformed sequence becomes U+FFFD. */
export function utf8Decode(bytes: Uint8Array): string {
  const points: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] ?? 0;
    const len = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
    if (len === 0 || i + len > bytes.length) {
      points.push(0xfffd);
      i++;
      continue;
    }
    let c = len === 1 ? b : b & (0xff >> (len + 1));
    for (let j = 1; j < len; j++) c = (c << 6) | ((bytes[i + j] ?? 0) & 63);
    points.push(c);
    i += len;
  }
  let text = '';
  for (let i = 0; i < points.length; i += 8192) text += String.fromCodePoint(...points.slice(i, i + 8192));
  return text;
}

/** The whole text of a blob, or undefined when there is none. */
export async function readText(blobs: BlobStore, key: string): Promise<string | undefined> {
  const body = await blobs.open(key);
  if (!body) return undefined;
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const part of body) {
    parts.push(part);
    size += part.byteLength;
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.byteLength;
  }
  return utf8Decode(all);
}

/**
 * Reads a manifest, checking only what the server relies on; newer format versions are passed through so that the
 * caller can refuse them with the reason.
 */
export function parseManifest(text: string, key: string): BackupManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new CorruptDataError(`backup manifest '${key}' is not JSON; the backup cannot be used`, { key }, { cause: err });
  }
  const ok =
    isJsonObject(doc) &&
    doc.format === BACKUP_FORMAT &&
    typeof doc.formatVersion === 'number' &&
    typeof doc.id === 'string' &&
    typeof doc.createdAt === 'string' &&
    typeof doc.configFormatVersion === 'number' &&
    isJsonObject(doc.files) &&
    isJsonObject(doc.files.config);
  if (!ok) throw new CorruptDataError(`backup manifest '${key}' is not an ${BACKUP_FORMAT} manifest; the backup cannot be used`, { key });
  return doc as BackupManifest;
}

/** Item counts of an export document's `items`, per type. */
export function countItems(items: JsonObject): Partial<Record<EntityType, number>> {
  const out: Partial<Record<EntityType, number>> = {};
  for (const t of ENTITY_TYPES) {
    const list = items[t];
    if (Array.isArray(list)) out[t] = list.length;
  }
  return out;
}
