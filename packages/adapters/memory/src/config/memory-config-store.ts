import { createHash } from 'node:crypto';
import {
  auditDigestMaterial,
  auditRecordBody,
  planCommit,
  type AuditRecord,
  type ConfigItem,
  type EntityRef,
  type EntityType,
} from '@envmgr/domain';
import type { AuditQuery, ChangeContext, CommitResult, ConfigChange, ConfigStore, ListQuery } from '@envmgr/ports';

interface Row {
  item: ConfigItem;
  indexes: Record<string, string>;
  references: EntityRef[];
  uniques: string[];
}

const id = (type: EntityType, key: string): string => `${type}\u0000${key}`;

/** A ConfigStore in process memory: the fake for unit and API tests. Data is copied in and out, never shared. */
export function createMemoryConfigStore(): ConfigStore {
  const rows = new Map<string, Row>();
  const audit: AuditRecord[] = [];
  const clone = <T>(v: T): T => structuredClone(v);

  const view = {
    get: (type: EntityType, key: string) => rows.get(id(type, key))?.item,
    referrers: (target: EntityRef, limit: number) => referrersOf(rows, target).slice(0, limit),
    uniqueHolder: (value: string) => {
      for (const r of rows.values()) if (r.uniques.includes(value)) return { type: r.item.type, key: r.item.key };
      return undefined;
    },
  };

  return {
    async get(type, key) {
      const row = rows.get(id(type, key));
      return row ? clone(row.item) : undefined;
    },
    async list(type, q: ListQuery) {
      return [...rows.values()]
        .filter((r) => r.item.type === type && (q.after === undefined || r.item.key > q.after))
        .filter((r) => Object.entries(q.filter ?? {}).every(([k, v]) => r.indexes[k] === v))
        .sort((a, b) => (a.item.key < b.item.key ? -1 : a.item.key > b.item.key ? 1 : 0))
        .slice(0, q.limit)
        .map((r) => clone(r.item));
    },
    async referrers(target, limit) {
      return referrersOf(rows, target).slice(0, limit);
    },
    async commit(changes: ConfigChange[], ctx: ChangeContext): Promise<CommitResult> {
      const plan = planCommit(changes, view);
      if (!plan.ok) throw plan.error;
      const records: AuditRecord[] = [];
      plan.writes.forEach((w, i) => {
        const c = changes[i] as ConfigChange;
        if (c.op === 'delete' || !w.after) rows.delete(id(c.type, c.key));
        else rows.set(id(c.type, c.key), { item: clone(w.after), indexes: c.indexes, references: c.references.map((r) => ({ type: r.type, key: r.key })), uniques: c.uniques.map((u) => u.value) });
        records.push(appendAudit(audit, ctx, c, w));
      });
      return { items: plan.writes.map((w) => (w.after ? clone(w.after) : undefined)), audit: clone(records) };
    },
    async queryAudit(q: AuditQuery) {
      return clone(audit.filter((r) => matchesAudit(r, q)).reverse().slice(0, q.limit));
    },
    async auditChain(afterSeq, limit) {
      return clone(audit.slice(afterSeq, afterSeq + limit));
    },
    async close() {},
  };
}

function referrersOf(rows: Map<string, Row>, target: EntityRef): EntityRef[] {
  const out: EntityRef[] = [];
  for (const r of rows.values()) {
    if (r.references.some((x) => x.type === target.type && x.key === target.key)) out.push({ type: r.item.type, key: r.item.key });
  }
  return out;
}

function appendAudit(audit: AuditRecord[], ctx: ChangeContext, c: ConfigChange, w: { before: ConfigItem | undefined; after: ConfigItem | undefined }): AuditRecord {
  const body = structuredClone(auditRecordBody({ prev: audit[audit.length - 1], context: ctx, change: c, write: w }));
  const record = { ...body, hash: createHash('sha256').update(auditDigestMaterial(body)).digest('hex') };
  audit.push(record);
  return record;
}

/** Shared meaning of an audit query's filters (newest-first paging by `beforeSeq`). */
export function matchesAudit(r: AuditRecord, q: AuditQuery): boolean {
  return (
    (q.entityType === undefined || r.entityType === q.entityType) &&
    (q.key === undefined || r.key === q.key) &&
    (q.actor === undefined || r.actor === q.actor) &&
    (q.version === undefined || r.version === q.version) &&
    (q.since === undefined || r.at >= q.since) &&
    (q.until === undefined || r.at < q.until) &&
    (q.beforeSeq === undefined || r.seq < q.beforeSeq)
  );
}
