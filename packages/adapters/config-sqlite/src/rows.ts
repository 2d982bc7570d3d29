import {
  CorruptDataError,
  isEntityType,
  isJsonObject,
  type AuditRecord,
  type ChangeType,
  type ConfigItem,
  type EntityRef,
  type EntityType,
  type JsonObject,
} from '@envmgr/domain';
import { Buffer } from 'node:buffer';

export interface ItemRow {
  key: string;
  data: string;
  version: number;
}

export interface RefRow {
  type: string;
  key: string;
}

export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  request_id: string;
  entity_type: string;
  key: string;
  change_type: string;
  before: string | null;
  after: string | null;
  version: number;
  prev_hash: string;
  hash: string;
}

/** The sort key of an item key: its UTF-16BE bytes, whose byte order is the code unit order of the key. */
export function orderKey(key: string): Buffer {
  return Buffer.from(key, 'utf16le').swap16();
}

/** Reads back a JSON object this adapter wrote; anything else means the file was damaged or edited. */
export function parseObject(text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CorruptDataError('a stored item or audit record is not valid JSON; restore the config database from a backup', {}, { cause: err });
  }
  if (!isJsonObject(value)) throw new CorruptDataError('a stored item or audit record is not a JSON object; restore the config database from a backup');
  return value;
}

export function toItem(type: EntityType, row: ItemRow): ConfigItem {
  return { type, key: row.key, data: parseObject(row.data), version: row.version };
}

function entityType(value: string): EntityType {
  if (!isEntityType(value)) throw new CorruptDataError(`the config database holds an unknown entity type '${value}'; restore it from a backup`);
  return value;
}

export function toRef(row: RefRow): EntityRef {
  return { type: entityType(row.type), key: row.key };
}

const CHANGE_TYPES: readonly string[] = ['Created', 'Updated', 'Deleted'] satisfies ChangeType[];
const isChangeType = (value: string): value is ChangeType => CHANGE_TYPES.includes(value);

export function toAuditRecord(row: AuditRow): AuditRecord {
  const changeType = row.change_type;
  if (!isChangeType(changeType)) throw new CorruptDataError(`audit record ${row.seq} has an unknown change type; restore the config database from a backup`);
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    requestId: row.request_id,
    entityType: entityType(row.entity_type),
    key: row.key,
    changeType,
    before: row.before === null ? null : parseObject(row.before),
    after: row.after === null ? null : parseObject(row.after),
    version: row.version,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** The audit columns, in the order `AuditRow` names them. */
export const AUDIT_COLUMNS = ['seq', 'at', 'actor', 'request_id', 'entity_type', 'key', 'change_type', 'before', 'after', 'version', 'prev_hash', 'hash'] as const;
