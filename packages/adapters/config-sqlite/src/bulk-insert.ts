import type Database from 'better-sqlite3';

/** Rows per multi-row INSERT: 64 rows of 12 columns stay far below SQLite's limit of 32,766 bound values. */
const ROWS_PER_STATEMENT = 64;

export interface BulkInsert<Row extends unknown[]> {
  /** Queues one row, in the order of the writer's columns; full chunks are written at once. */
  add(...values: Row): void;
  /** Writes the queued rows. Call it before anything reads the table or writes the same rows another way. */
  flush(): void;
  /** Drops the queued rows: a failed transaction must not leave rows for the next one. */
  clear(): void;
}

/**
 * Inserts rows in chunks of one multi-row INSERT each. A large import runs one statement per row otherwise, and
 * the cost of a statement (binding, crossing into SQLite) is then about as large as the B-tree work itself.
 * `table` and `columns` are the writer's own constants, never input.
 */
export function bulkInsert<Row extends unknown[]>(
  db: Database.Database,
  opts: { table: string; columns: readonly string[]; orIgnore?: boolean },
): BulkInsert<Row> {
  const tuple = `(${opts.columns.map(() => '?').join(', ')})`;
  const sql = (rows: number): string =>
    `INSERT ${opts.orIgnore ? 'OR IGNORE ' : ''}INTO ${opts.table} (${opts.columns.join(', ')}) VALUES ${Array<string>(rows).fill(tuple).join(', ')}`;
  const chunk = db.prepare<unknown[]>(sql(ROWS_PER_STATEMENT));
  const single = db.prepare<unknown[]>(sql(1));
  const width = opts.columns.length;
  const queued: unknown[] = [];
  return {
    add(...values) {
      queued.push(...values);
      if (queued.length === ROWS_PER_STATEMENT * width) {
        chunk.run(...queued);
        queued.length = 0;
      }
    },
    flush() {
      for (let i = 0; i < queued.length; i += width) single.run(...queued.slice(i, i + width));
      queued.length = 0;
    },
    clear() {
      queued.length = 0;
    },
  };
}
