import { CorruptDataError, ENTITY_TYPES, isEntityType, type AuditRecord, type ConfigItem, type EntityRef, type EntityType, type JsonObject } from '@envmgr/domain';

/** What an item table row holds besides the item: the facts a later commit must undo. */
export interface StoredItem extends ConfigItem {
  /** Targets the item refers to, as `type/key` ids (its rows in the references table). */
  refs: string[];
  /** Unique claims the item holds (its rows in the uniques table). */
  uniques: string[];
}

export type Row = Record<string, unknown>;

/** The key as UTF-16BE bytes: binary sort keys compare as unsigned bytes, i.e. in UTF-16 code-unit order. */
export function ordOf(key: string): Uint8Array {
  const out = new Uint8Array(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    const u = key.charCodeAt(i);
    out[2 * i] = u >> 8;
    out[2 * i + 1] = u & 0xff;
  }
  return out;
}

/** `type/key`: types hold no `/`, so the first one splits it. */
export const idOf = (r: EntityRef): string => `${r.type}/${r.key}`;

export function refOf(id: string): EntityRef {
  const at = id.indexOf('/');
  const type = id.slice(0, at);
  if (at < 0 || !isEntityType(type)) throw new CorruptDataError(`a stored reference '${id.slice(0, 100)}' names no entity type of ${ENTITY_TYPES.join(', ')}`);
  return { type, key: id.slice(at + 1) };
}

export function parseObject(text: unknown, what: string): JsonObject {
  if (typeof text !== 'string') throw new CorruptDataError(`${what} has no JSON text`);
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as JsonObject;
  } catch (err) {
    throw new CorruptDataError(`${what} is not valid JSON`, {}, { cause: err });
  }
  throw new CorruptDataError(`${what} is not a JSON object`);
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function toStoredItem(type: EntityType, row: Row): StoredItem {
  const key = row.Key;
  const version = row.Version;
  if (typeof key !== 'string' || typeof version !== 'number') throw new CorruptDataError(`a stored ${type} item lacks its Key or Version`);
  return { type, key, version, data: parseObject(row.Data, `the stored ${type} '${key}'`), refs: strings(row.Refs), uniques: strings(row.Uniques) };
}

export function toItem(type: EntityType, row: Row): ConfigItem {
  const { type: t, key, data, version } = toStoredItem(type, row);
  return { type: t, key, data, version };
}

export function itemRow(type: EntityType, key: string, fields: { dataText: string; version: number; indexes: Record<string, string>; refs: string[]; uniques: string[] }): Row {
  return { Family: type, Ord: ordOf(key), Key: key, Data: fields.dataText, Version: fields.version, Indexes: fields.indexes, Refs: fields.refs, Uniques: fields.uniques };
}

/**
 * Audit records live in buckets of `bucketSize` consecutive seqs (the partition key), so the chain spreads over
 * partitions as it grows while each bucket stays ordered by seq.
 */
export const bucketOf = (seq: number, bucketSize: number): number => Math.floor(seq / bucketSize);

/** The chain's head: the last seq and hash, kept in the audit table under bucket -1. */
export const HEAD_KEY = { Bucket: -1, Seq: 0 } as const;

export function auditRow(r: AuditRecord, bucketSize: number, texts: { before: string | null; after: string | null }): Row {
  return {
    Bucket: bucketOf(r.seq, bucketSize),
    Seq: r.seq,
    At: r.at,
    Actor: r.actor,
    RequestId: r.requestId,
    EntityType: r.entityType,
    Key: r.key,
    ChangeType: r.changeType,
    Before: texts.before ?? undefined,
    After: texts.after ?? undefined,
    Version: r.version,
    PrevHash: r.prevHash,
    Hash: r.hash,
  };
}

export function toAuditRecord(row: Row): AuditRecord {
  const { Seq, At, Actor, RequestId, EntityType: type, Key, ChangeType, Version, PrevHash, Hash } = row;
  if (typeof Seq !== 'number' || typeof type !== 'string' || !isEntityType(type) || typeof Key !== 'string' || typeof Version !== 'number') {
    throw new CorruptDataError('a stored audit record lacks its seq, entity type, key or version');
  }
  if (ChangeType !== 'Created' && ChangeType !== 'Updated' && ChangeType !== 'Deleted') throw new CorruptDataError(`audit record ${Seq} has an unknown change type`);
  const text = (v: unknown, f: string): string => {
    if (typeof v !== 'string') throw new CorruptDataError(`audit record ${Seq} lacks ${f}`);
    return v;
  };
  return {
    seq: Seq,
    at: text(At, 'at'),
    actor: text(Actor, 'actor'),
    requestId: text(RequestId, 'requestId'),
    entityType: type,
    key: Key,
    changeType: ChangeType,
    before: row.Before === undefined ? null : parseObject(row.Before, `audit record ${Seq}`),
    after: row.After === undefined ? null : parseObject(row.After, `audit record ${Seq}`),
    version: Version,
    prevHash: text(PrevHash, 'prevHash'),
    hash: text(Hash, 'hash'),
  };
}
