import Database from 'better-sqlite3';
import type { FixtureItem } from './fixtures.js';

export interface RawSqliteTimes {
  /** One prepared INSERT per row (data serialised with JSON.stringify) in one transaction. */
  insertMs: number;
  /** One SELECT of every row in key order, each row's data parsed and given its Version, the array serialised with JSON.stringify. */
  selectMs: number;
  /** Length of the serialised array, a sanity check against the export. */
  selectedChars: number;
}

/**
 * The floor under export and import: the same rows written and read by better-sqlite3 with no schema beyond a
 * primary key, no checks, no side tables and no audit. Same pragmas as the SQLite adapter (WAL, synchronous NORMAL).
 */
export function rawSqliteBaseline(path: string, items: readonly FixtureItem[]): RawSqliteTimes {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE items (type TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (type, key)) STRICT, WITHOUT ROWID');
    const insert = db.prepare<[string, string, string, number]>('INSERT INTO items (type, key, data, version) VALUES (?, ?, ?, ?)');
    const select = db.prepare<[], { data: string; version: number }>('SELECT data, version FROM items ORDER BY type, key');

    let started = performance.now();
    db.transaction(() => {
      for (const { type, key, data } of items) insert.run(type, key, JSON.stringify(data), 1);
    })();
    const insertMs = performance.now() - started;

    started = performance.now();
    const rows = select.all().map((r) => {
      const data = JSON.parse(r.data) as Record<string, unknown>;
      data.Version = r.version;
      return data;
    });
    const text = JSON.stringify(rows);
    const selectMs = performance.now() - started;
    return { insertMs, selectMs, selectedChars: text.length };
  } finally {
    db.close();
  }
}
