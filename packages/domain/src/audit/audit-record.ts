import { canonicalJson, type JsonObject } from '../json.js';
import type { ConfigItem, EntityType } from '../config/config-item.js';

export type ChangeType = 'Created' | 'Updated' | 'Deleted';

/**
 * One audited write. Records form a chain: each holds the hash of the one before it, so editing or removing a
 * stored record breaks every later link, and `verifyAuditChain` finds the first broken one.
 */
export interface AuditRecord {
  /** Position in the chain, from 1, with no gaps. */
  seq: number;
  /** ISO 8601 UTC time of the write. */
  at: string;
  actor: string;
  requestId: string;
  entityType: EntityType;
  key: string;
  changeType: ChangeType;
  before: JsonObject | null;
  after: JsonObject | null;
  /** The item's version after the change; for a delete, the version that was deleted. */
  version: number;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The exact text whose SHA-256 is a record's `hash`: every field but the hash itself, canonically ordered. */
export function auditDigestMaterial(record: Omit<AuditRecord, 'hash'>): string {
  const { seq, at, actor, requestId, entityType, key, changeType, before, after, version, prevHash } = record;
  return canonicalJson({ seq, at, actor, requestId, entityType, key, changeType, before, after, version, prevHash });
}

/** What `auditRecordBody` needs to describe one applied change of a batch. */
export interface AuditedWrite {
  /** The last record of the chain so far; undefined when the chain is empty. */
  prev: { seq: number; hash: string } | undefined;
  context: { at: string; actor: string; requestId: string };
  change: { op: 'create' | 'update' | 'delete'; type: EntityType; key: string };
  /** The item before and after the change, as `planCommit` returns them. */
  write: { before: ConfigItem | undefined; after: ConfigItem | undefined };
}

/**
 * The audit record of one applied change, without its hash: the caller seals it with the SHA-256 (hex) of
 * `auditDigestMaterial(body)`. The record shares `before` and `after` with the write; copy them if the write's
 * objects are kept elsewhere.
 */
export function auditRecordBody({ prev, context, change, write }: AuditedWrite): Omit<AuditRecord, 'hash'> {
  return {
    seq: (prev?.seq ?? 0) + 1,
    at: context.at,
    actor: context.actor,
    requestId: context.requestId,
    entityType: change.type,
    key: change.key,
    changeType: change.op === 'create' ? 'Created' : change.op === 'update' ? 'Updated' : 'Deleted',
    before: write.before ? write.before.data : null,
    after: write.after ? write.after.data : null,
    version: write.after?.version ?? write.before?.version ?? 0,
    prevHash: prev?.hash ?? GENESIS_HASH,
  };
}

export type ChainCheck =
  | { ok: true }
  | { ok: false; seq: number; reason: string };

/** Checks one link given the previous record's seq and hash and the computed digest of this record. */
export function checkLink(prev: { seq: number; hash: string }, record: AuditRecord, digest: string): ChainCheck {
  if (record.seq !== prev.seq + 1) return { ok: false, seq: record.seq, reason: `record ${prev.seq + 1} is missing` };
  if (record.prevHash !== prev.hash) return { ok: false, seq: record.seq, reason: 'prevHash does not match the previous record' };
  if (record.hash !== digest) return { ok: false, seq: record.seq, reason: 'the record was changed after it was written' };
  return { ok: true };
}
