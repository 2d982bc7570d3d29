import type Database from 'better-sqlite3';
import type { Writer } from './changes.js';

/** A stored pair; values are bytes so that the HTTP API returns exactly what a client stored. */
export interface KvRecord {
  key: string;
  value: Buffer;
  flags: number;
  createIndex: number;
  modifyIndex: number;
}

export interface KvRead<T> {
  index: number;
  value: T;
}

interface KvRow {
  key: string;
  value: Buffer;
  flags: number;
  create_index: number;
  modify_index: number;
}

const toRecord = (r: KvRow): KvRecord => ({ key: r.key, value: r.value, flags: r.flags, createIndex: r.create_index, modifyIndex: r.modify_index });

/**
 * The exclusive upper bound of the keys starting with `prefix`. Keys are ASCII (registryKeyProblem), so the prefix
 * with its last character incremented bounds them in SQLite's byte order.
 */
function upperBound(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/** Keys under `prefix` folded at the first `separator` after it, once each (Consul's `?keys&separator=`). */
export function foldKeys(keys: string[], prefix: string, separator: string | undefined): string[] {
  if (!separator) return keys;
  const out: string[] = [];
  for (const key of keys) {
    const at = key.indexOf(separator, prefix.length);
    const folded = at === -1 ? key : key.slice(0, at + separator.length);
    if (out[out.length - 1] !== folded) out.push(folded);
  }
  return out;
}

export type KvEngine = ReturnType<typeof createKvEngine>;

export function createKvEngine(db: Database.Database, writer: Writer) {
  const st = {
    get: db.prepare<[string], KvRow>(`SELECT * FROM kv WHERE key = ?`),
    tombstone: db.prepare<[string], { delete_index: number }>(`SELECT delete_index FROM kv_tombstones WHERE key = ?`),
    listAll: db.prepare<[], KvRow>(`SELECT * FROM kv ORDER BY key`),
    listRange: db.prepare<[string, string], KvRow>(`SELECT * FROM kv WHERE key >= ? AND key < ? ORDER BY key`),
    maxTombstone: db.prepare<[string, string], { m: number | null }>(
      `SELECT max(delete_index) AS m FROM kv_tombstones WHERE key >= ? AND key < ?`,
    ),
    upsert: db.prepare<[string, Buffer, number, number, number]>(
      `INSERT INTO kv (key, value, flags, create_index, modify_index) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, flags = excluded.flags, modify_index = excluded.modify_index`,
    ),
    untomb: db.prepare<[string]>(`DELETE FROM kv_tombstones WHERE key = ?`),
    remove: db.prepare<[string]>(`DELETE FROM kv WHERE key = ?`),
    tomb: db.prepare<[string, number]>(
      `INSERT INTO kv_tombstones (key, delete_index) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET delete_index = excluded.delete_index`,
    ),
  };

  const rows = (prefix: string): KvRow[] => (prefix === '' ? st.listAll.all() : st.listRange.all(prefix, upperBound(prefix)));

  /**
   * The index of a prefix: its newest entry or tombstone, the table's index for ''. A prefix never written reads
   * at 1 (Consul falls back to the table's index, which wakes its watchers for writes elsewhere).
   */
  function prefixIndex(prefix: string, found: KvRow[]): number {
    if (prefix === '') return Math.max(1, writer.counter('kv_index'));
    let index = st.maxTombstone.get(prefix, upperBound(prefix))?.m ?? 0;
    for (const r of found) index = Math.max(index, r.modify_index);
    return Math.max(1, index);
  }

  function deleteRows(targets: KvRow[]): void {
    writer.write((w) => {
      for (const r of targets) {
        st.remove.run(r.key);
        st.tomb.run(r.key, w.index());
        w.events.push({ kind: 'kv', key: r.key });
      }
      if (targets.length > 0) w.touch('kv_index');
    });
  }

  return {
    /** A key's entry; a missing key reads at its tombstone's index, or 1 if it never existed. */
    get(key: string): KvRead<KvRecord | undefined> {
      const row = st.get.get(key);
      if (row) return { index: row.modify_index, value: toRecord(row) };
      return { index: Math.max(1, st.tombstone.get(key)?.delete_index ?? 0), value: undefined };
    },
    list(prefix: string): KvRead<KvRecord[]> {
      const found = rows(prefix);
      return { index: prefixIndex(prefix, found), value: found.map(toRecord) };
    },
    keys(prefix: string, separator?: string): KvRead<string[]> {
      const found = rows(prefix);
      return { index: prefixIndex(prefix, found), value: foldKeys(found.map((r) => r.key), prefix, separator) };
    },
    /** Consul's set and check-and-set: `cas` 0 writes only a missing key, otherwise only at that modify index. */
    put(key: string, value: Buffer, opts: { cas?: number; flags?: number }): boolean {
      return writer.write((w) => {
        const existing = st.get.get(key);
        if (opts.cas !== undefined && (existing?.modify_index ?? 0) !== opts.cas) return false;
        const index = w.index();
        st.upsert.run(key, value, opts.flags ?? 0, existing?.create_index ?? index, index);
        st.untomb.run(key);
        w.touch('kv_index');
        w.events.push({ kind: 'kv', key });
        return true;
      });
    },
    /** Consul's delete, delete-tree and delete-CAS (which is true for a missing key, false at another index). */
    delete(key: string, opts: { recurse?: boolean; cas?: number }): boolean {
      if (opts.recurse) {
        deleteRows(rows(key));
        return true;
      }
      const existing = st.get.get(key);
      if (!existing) return true;
      if (opts.cas !== undefined && existing.modify_index !== opts.cas) return false;
      deleteRows([existing]);
      return true;
    },
  };
}
