import type { AuditQuery } from '@envmgr/ports';
import type Database from 'better-sqlite3';
import type { Buffer } from 'node:buffer';
import { bulkInsert, type BulkInsert } from './bulk-insert.js';
import { AUDIT_COLUMNS, type AuditRow, type ItemRow, type RefRow } from './rows.js';

const AUDIT_SELECT = `SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit`;

/** The values of an audit row, in the order of `AUDIT_COLUMNS`. */
export type AuditParams = [
  seq: number,
  at: string,
  actor: string,
  requestId: string,
  entityType: string,
  key: string,
  changeType: string,
  before: string | null,
  after: string | null,
  version: number,
  prevHash: string,
  hash: string,
];

type Stmt<Params extends unknown[] | object, Row = unknown> = Database.Statement<Params, Row>;

/** The fixed statements of the store, prepared once per connection. */
export interface Statements {
  getItem: Stmt<[type: string, ord: Buffer], ItemRow>;
  insertItems: BulkInsert<[type: string, ord: Buffer, key: string, data: string, version: number, indexes: string]>;
  updateItem: Stmt<[data: string, version: number, indexes: string, type: string, ord: Buffer]>;
  deleteItem: Stmt<[type: string, ord: Buffer]>;
  referrers: Stmt<[toType: string, toKey: string, limit: number], RefRow>;
  insertRefs: BulkInsert<[fromType: string, fromKey: string, toType: string, toKey: string]>;
  deleteRefs: Stmt<[fromType: string, fromKey: string]>;
  uniqueHolder: Stmt<[value: string], RefRow>;
  insertUniques: BulkInsert<[value: string, type: string, key: string]>;
  deleteUniques: Stmt<[type: string, key: string]>;
  auditTail: Stmt<[], { seq: number; hash: string }>;
  insertAudit: BulkInsert<AuditParams>;
  auditChain: Stmt<[afterSeq: number, limit: number], AuditRow>;
}

export function prepareStatements(db: Database.Database): Statements {
  return {
    getItem: db.prepare<[type: string, ord: Buffer], ItemRow>('SELECT key, data, version FROM items WHERE type = ? AND ord = ?'),
    insertItems: bulkInsert(db, { table: 'items', columns: ['type', 'ord', 'key', 'data', 'version', 'indexes'] }),
    updateItem: db.prepare<[data: string, version: number, indexes: string, type: string, ord: Buffer]>(
      'UPDATE items SET data = ?, version = ?, indexes = ? WHERE type = ? AND ord = ?',
    ),
    deleteItem: db.prepare<[type: string, ord: Buffer]>('DELETE FROM items WHERE type = ? AND ord = ?'),
    referrers: db.prepare<[toType: string, toKey: string, limit: number], RefRow>(
      'SELECT from_type AS type, from_key AS key FROM refs WHERE to_type = ? AND to_key = ? ORDER BY from_type, from_key LIMIT ?',
    ),
    // an item may name the same target from several fields; one row is enough
    insertRefs: bulkInsert(db, { table: 'refs', columns: ['from_type', 'from_key', 'to_type', 'to_key'], orIgnore: true }),
    deleteRefs: db.prepare<[fromType: string, fromKey: string]>('DELETE FROM refs WHERE from_type = ? AND from_key = ?'),
    uniqueHolder: db.prepare<[value: string], RefRow>('SELECT type, key FROM uniques WHERE value = ?'),
    insertUniques: bulkInsert(db, { table: 'uniques', columns: ['value', 'type', 'key'] }),
    deleteUniques: db.prepare<[type: string, key: string]>('DELETE FROM uniques WHERE type = ? AND key = ?'),
    auditTail: db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1'),
    insertAudit: bulkInsert(db, { table: 'audit', columns: AUDIT_COLUMNS }),
    auditChain: db.prepare<[afterSeq: number, limit: number], AuditRow>(`${AUDIT_SELECT} WHERE seq > ? ORDER BY seq LIMIT ?`),
  };
}

/**
 * A list query has a cursor or not and some number of index filters. Each filter binds the JSON path of its
 * attribute and its value: the attribute names come from the caller, so they never become SQL text. The path
 * quotes the name as a JSON string, so dots, quotes and brackets in it stay part of the name.
 */
export function listStatements(db: Database.Database): (hasCursor: boolean, filterCount: number) => Stmt<unknown[], ItemRow> {
  const cache = new Map<string, Stmt<unknown[], ItemRow>>();
  return (hasCursor, filterCount) => {
    const shape = `${hasCursor}:${filterCount}`;
    let stmt = cache.get(shape);
    if (!stmt) {
      const where = ['type = ?', ...(hasCursor ? ['ord > ?'] : []), ...Array<string>(filterCount).fill('json_extract(indexes, ?) = ?')];
      stmt = db.prepare<unknown[], ItemRow>(`SELECT key, data, version FROM items WHERE ${where.join(' AND ')} ORDER BY ord LIMIT ?`);
      cache.set(shape, stmt);
    }
    return stmt;
  };
}

export const jsonPathOf = (attribute: string): string => `$.${JSON.stringify(attribute)}`;

const AUDIT_FILTERS = [
  ['entityType', 'entity_type = ?'],
  ['key', 'key = ?'],
  ['actor', 'actor = ?'],
  ['version', 'version = ?'],
  ['since', 'at >= ?'],
  ['until', 'at < ?'],
  ['beforeSeq', 'seq < ?'],
] as const satisfies readonly (readonly [keyof AuditQuery, string])[];

/** The statement for an audit query's set of filters (at most 2^7 shapes) and the values to bind to it. */
export function auditQueries(db: Database.Database): (q: AuditQuery) => { stmt: Stmt<unknown[], AuditRow>; params: unknown[] } {
  const cache = new Map<string, Stmt<unknown[], AuditRow>>();
  return (q) => {
    const used = AUDIT_FILTERS.filter(([field]) => q[field] !== undefined);
    const shape = used.map(([field]) => field).join(',');
    let stmt = cache.get(shape);
    if (!stmt) {
      const where = used.length ? `WHERE ${used.map(([, sql]) => sql).join(' AND ')}` : '';
      stmt = db.prepare<unknown[], AuditRow>(`${AUDIT_SELECT} ${where} ORDER BY seq DESC LIMIT ?`);
      cache.set(shape, stmt);
    }
    return { stmt, params: [...used.map(([field]) => q[field]), sqlLimit(q.limit)] };
  };
}

/** A port limit as SQLite's LIMIT: a non-finite limit means all rows, a negative one none. */
export function sqlLimit(limit: number): number {
  return Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : -1;
}
