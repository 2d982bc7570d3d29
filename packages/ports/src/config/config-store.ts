import type { AuditRecord, ConfigItem, EntityRef, EntityType, JsonObject, Reference, UniqueClaim } from '@envmgr/domain';

/** One write within an atomic batch. The app layer builds it; the store only checks and applies it. */
export type ConfigChange =
  | {
      op: 'create';
      type: EntityType;
      key: string;
      data: JsonObject;
      /** Initial version, 1 unless an import restores an item at the version it was exported with. */
      version?: number;
      references: Reference[];
      indexes: Record<string, string>;
      uniques: UniqueClaim[];
    }
  | {
      op: 'update';
      type: EntityType;
      key: string;
      data: JsonObject;
      expectedVersion: number;
      references: Reference[];
      indexes: Record<string, string>;
      uniques: UniqueClaim[];
    }
  | { op: 'delete'; type: EntityType; key: string; expectedVersion: number };

/** Who made a batch of changes, and when: copied into every audit record of the batch. */
export interface ChangeContext {
  actor: string;
  requestId: string;
  /** ISO 8601 UTC. */
  at: string;
}

export interface CommitResult {
  /** The stored item after each change, in the order of the changes (undefined for a delete). */
  items: (ConfigItem | undefined)[];
  audit: AuditRecord[];
}

export interface ListQuery {
  /** Equality filters on the indexes the change declared, e.g. `{ environmentType: 'Dev' }`. */
  filter?: Record<string, string>;
  /** Only keys strictly greater than this (keys are ordered by code unit). */
  after?: string;
  limit: number;
}

export interface AuditQuery {
  entityType?: EntityType;
  key?: string;
  actor?: string;
  version?: number;
  /** Inclusive lower bound, ISO 8601 UTC. */
  since?: string;
  /** Exclusive upper bound, ISO 8601 UTC. */
  until?: string;
  /** Only records older than this seq (for paging newest first). */
  beforeSeq?: number;
  limit: number;
}

/**
 * Stores configuration items with their versions, the references between them, and the audit chain.
 *
 * Invariants every adapter keeps (checked by `configStoreContract`):
 * - `commit` is all-or-nothing: when it throws, nothing of the batch is stored, audit included.
 * - create fails with `AlreadyExistsError` on an existing key; update and delete fail with `NotFoundError` on a
 *   missing key and `VersionConflictError` when `expectedVersion` is not the stored version.
 * - after the batch, every reference of a created or updated item must name an existing item
 *   (`DanglingReferenceError`), no deleted item may still be referenced (`ReferencedError`), and no unique claim may
 *   be held by two items (`UniquenessError`).
 * - each change appends one audit record, in order, chained by hash; concurrent commits never interleave a batch.
 */
export interface ConfigStore {
  /** Returns undefined when there is no such item. */
  get(type: EntityType, key: string): Promise<ConfigItem | undefined>;
  /** Items of a type in key order. */
  list(type: EntityType, query: ListQuery): Promise<ConfigItem[]>;
  /** Items that refer to `target`, at most `limit`. */
  referrers(target: EntityRef, limit: number): Promise<EntityRef[]>;
  /** Applies a batch atomically and appends its audit records. */
  commit(changes: ConfigChange[], ctx: ChangeContext): Promise<CommitResult>;
  /** Audit records matching the query, newest first. */
  queryAudit(query: AuditQuery): Promise<AuditRecord[]>;
  /** Audit records in chain order with `seq > afterSeq`, for verification and export. */
  auditChain(afterSeq: number, limit: number): Promise<AuditRecord[]>;
  /** Releases the store's resources. */
  close(): Promise<void>;
}
