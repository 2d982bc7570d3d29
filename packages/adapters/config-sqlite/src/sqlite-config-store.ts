import {
  auditDigestMaterial,
  auditRecordBody,
  CorruptDataError,
  DependencyUnavailableError,
  DomainError,
  planCommit,
  type AuditRecord,
  type ConfigItem,
  type EntityType,
  type PlannedWrite,
  type StoreView,
} from '@envmgr/domain';
import type { ChangeContext, CommitResult, ConfigChange, ConfigStore } from '@envmgr/ports';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { orderKey, parseObject, toAuditRecord, toItem, toRef } from './rows.js';
import { prepareDatabase } from './schema.js';
import { guarded, translateSqliteError } from './sqlite-errors.js';
import { auditQueries, jsonPathOf, listStatements, prepareStatements, sqlLimit, type Statements } from './statements.js';

export interface SqliteConfigStoreOptions {
  /** Path of the database file; created with the current schema when missing, migrated when older. */
  path: string;
  /**
   * How long a write waits for another connection's write transaction before failing with
   * `DependencyUnavailableError`.
   * @default 5000
   */
  busyTimeoutMs?: number;
}

/**
 * A ConfigStore in one SQLite file (WAL mode). Each commit runs `planCommit` and its writes in one IMMEDIATE
 * transaction, synchronously, so commits of one process never interleave and those of several processes serialise
 * on the write lock. Throws `DependencyUnavailableError` when the file cannot be opened or was written by a newer
 * build, and `CorruptDataError` when it is not a database.
 */
export function createSqliteConfigStore(opts: SqliteConfigStoreOptions): ConfigStore {
  const db = openDatabase(opts);
  const st = prepareStatements(db);
  const listStatement = listStatements(db);
  const auditQuery = auditQueries(db);
  const commitTx = db.transaction((changes: ConfigChange[], ctx: ChangeContext) => commitBatch(st, changes, ctx));

  return {
    async get(type, key) {
      return guarded(() => {
        const row = st.getItem.get(type, orderKey(key));
        return row ? toItem(type, row) : undefined;
      });
    },
    async list(type, q) {
      return guarded(() => {
        const filters = Object.entries(q.filter ?? {});
        const params = [
          type,
          ...(q.after === undefined ? [] : [orderKey(q.after)]),
          ...filters.flatMap(([attribute, value]) => [jsonPathOf(attribute), value]),
          sqlLimit(q.limit),
        ];
        return listStatement(q.after !== undefined, filters.length)
          .all(...params)
          .map((row) => toItem(type, row));
      });
    },
    async referrers(target, limit) {
      return guarded(() => st.referrers.all(target.type, target.key, sqlLimit(limit)).map(toRef));
    },
    async commit(changes, ctx) {
      return guarded(() => commitTx.immediate(changes, ctx));
    },
    async queryAudit(q) {
      return guarded(() => {
        const { stmt, params } = auditQuery(q);
        return stmt.all(...params).map(toAuditRecord);
      });
    },
    async auditChain(afterSeq, limit) {
      return guarded(() => st.auditChain.all(afterSeq, sqlLimit(limit)).map(toAuditRecord));
    },
    async close() {
      if (!db.open) return;
      try {
        guarded(() => db.pragma('optimize'));
      } finally {
        db.close();
      }
    },
  };
}

function openDatabase(opts: SqliteConfigStoreOptions): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(opts.path, { timeout: opts.busyTimeoutMs ?? 5000 });
    prepareDatabase(db);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof DomainError) throw err;
    const translated = translateSqliteError(err);
    if (translated instanceof CorruptDataError) throw translated;
    // better-sqlite3 throws a TypeError when the directory is missing; SQLite reports the other causes
    throw new DependencyUnavailableError(
      `cannot open the config database '${opts.path}': its directory is missing, it is not writable, or another process holds it locked; check the path and retry`,
      { path: opts.path },
      { cause: err },
    );
  }
}

/** Runs inside the write transaction: decides the batch, then writes items, their side rows and the audit chain. */
function commitBatch(st: Statements, changes: ConfigChange[], ctx: ChangeContext): CommitResult {
  const inserts = [st.insertItems, st.insertRefs, st.insertUniques, st.insertAudit];
  for (const insert of inserts) insert.clear();
  const plan = planCommit(changes, storeView(st));
  if (!plan.ok) throw plan.error;
  // planCommit returns one write per change, in order
  const steps = changes.map((change, i) => {
    const write = plan.writes[i] as PlannedWrite;
    return { change, write, dataText: writeItem(st, change, write) };
  });
  rewriteSideRows(st, changes);
  const audit = appendAudit(st, ctx, steps);
  for (const insert of inserts) insert.flush();
  // results are parsed from the stored text, so callers never share objects with their changes or each other
  return { items: steps.map((s) => (s.write.after && s.dataText !== undefined ? { ...s.write.after, data: parseObject(s.dataText) } : undefined)), audit };
}

/** The store before the batch. Lookups are memoised: a large import refers to the same few items many times. */
function storeView(st: Statements): StoreView {
  const seen = new Map<string, ConfigItem | undefined>();
  return {
    get(type: EntityType, key: string) {
      const id = `${type}\u0000${key}`;
      if (seen.has(id)) return seen.get(id);
      const row = st.getItem.get(type, orderKey(key));
      const item = row ? toItem(type, row) : undefined;
      seen.set(id, item);
      return item;
    },
    referrers: (target, limit) => st.referrers.all(target.type, target.key, limit).map(toRef),
    uniqueHolder: (value) => {
      const row = st.uniqueHolder.get(value);
      return row ? toRef(row) : undefined;
    },
  };
}

/** Applies one planned change to `items`; returns the stored data text (undefined for a delete). */
function writeItem(st: Statements, c: ConfigChange, { after }: PlannedWrite): string | undefined {
  // creates are queued; an update or delete may touch a key created earlier in the batch
  if (c.op !== 'create') st.insertItems.flush();
  if (c.op === 'delete' || !after) {
    st.deleteItem.run(c.type, orderKey(c.key));
    return undefined;
  }
  const data = JSON.stringify(after.data);
  const indexes = JSON.stringify(c.indexes);
  if (c.op === 'create') st.insertItems.add(c.type, orderKey(c.key), c.key, data, after.version, indexes);
  else st.updateItem.run(data, after.version, indexes, c.type, orderKey(c.key));
  return data;
}

/**
 * Makes `refs` and `uniques` describe the items the batch touched. Only the last change of an item counts, and all
 * old rows go before any new one is added, so a claim can move from one item to another within the batch.
 */
function rewriteSideRows(st: Statements, changes: ConfigChange[]): void {
  const last = new Map<string, { change: ConfigChange; existed: boolean }>();
  for (const change of changes) {
    const id = `${change.type}\u0000${change.key}`;
    // an item whose first change is a create was not stored before the batch, so it has no rows to remove
    last.set(id, { change, existed: last.get(id)?.existed ?? change.op !== 'create' });
  }
  for (const { change, existed } of last.values()) {
    if (!existed) continue;
    st.deleteRefs.run(change.type, change.key);
    st.deleteUniques.run(change.type, change.key);
  }
  for (const { change } of last.values()) {
    if (change.op === 'delete') continue;
    for (const r of change.references) st.insertRefs.add(change.type, change.key, r.type, r.key);
    // both ports of a service may hold the same claim; planCommit has checked it against every other item
    for (const value of new Set(change.uniques.map((u) => u.value))) st.insertUniques.add(value, change.type, change.key);
  }
}

function appendAudit(st: Statements, ctx: ChangeContext, steps: { change: ConfigChange; write: PlannedWrite; dataText: string | undefined }[]): AuditRecord[] {
  let prev = st.auditTail.get();
  return steps.map(({ change, write, dataText }) => {
    const body = auditRecordBody({ prev, context: ctx, change, write });
    const hash = createHash('sha256').update(auditDigestMaterial(body)).digest('hex');
    const before = body.before === null ? null : JSON.stringify(body.before);
    const after = body.after === null ? null : (dataText ?? JSON.stringify(body.after));
    const { seq, at, actor, requestId, entityType, key, changeType, version, prevHash } = body;
    st.insertAudit.add(seq, at, actor, requestId, entityType, key, changeType, before, after, version, prevHash, hash);
    prev = { seq: body.seq, hash };
    return { ...body, before: before === null ? null : parseObject(before), after: after === null ? null : parseObject(after), hash };
  });
}
