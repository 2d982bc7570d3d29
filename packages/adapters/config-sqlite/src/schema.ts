import { DependencyUnavailableError } from '@envmgr/domain';
import type Database from 'better-sqlite3';

/**
 * Schema version 1.
 *
 * - `items.ord` is the key as UTF-16BE bytes. The port orders keys by UTF-16 code unit (as JavaScript compares
 *   strings); SQLite's BINARY collation compares UTF-8 bytes, which is code point order and differs for keys mixing
 *   characters above U+FFFF with ones in U+E000..U+FFFF. `memcmp` over UTF-16BE bytes is code unit order, so the
 *   primary key serves `get`, and `list` in key order with a cursor, from one B-tree.
 * - `refs` and `uniques` mirror the references and unique claims of the stored items; `planCommit` reads them
 *   through the store view, and a commit rewrites the rows of the items it touches.
 * - `audit` is the hash chain; its indexes serve `queryAudit` newest first (`seq` descending) for its filters.
 */
const V1 = `
CREATE TABLE items (
  type    TEXT    NOT NULL,
  ord     BLOB    NOT NULL,
  key     TEXT    NOT NULL,
  data    TEXT    NOT NULL,
  version INTEGER NOT NULL,
  indexes TEXT    NOT NULL,
  PRIMARY KEY (type, ord)
) STRICT, WITHOUT ROWID;

CREATE TABLE refs (
  from_type TEXT NOT NULL,
  from_key  TEXT NOT NULL,
  to_type   TEXT NOT NULL,
  to_key    TEXT NOT NULL,
  PRIMARY KEY (from_type, from_key, to_type, to_key)
) STRICT, WITHOUT ROWID;
CREATE INDEX refs_by_target ON refs (to_type, to_key);

CREATE TABLE uniques (
  value TEXT NOT NULL PRIMARY KEY,
  type  TEXT NOT NULL,
  key   TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX uniques_by_holder ON uniques (type, key);

CREATE TABLE audit (
  seq         INTEGER PRIMARY KEY,
  at          TEXT    NOT NULL,
  actor       TEXT    NOT NULL,
  request_id  TEXT    NOT NULL,
  entity_type TEXT    NOT NULL,
  key         TEXT    NOT NULL,
  change_type TEXT    NOT NULL CHECK (change_type IN ('Created', 'Updated', 'Deleted')),
  before      TEXT,
  after       TEXT,
  version     INTEGER NOT NULL,
  prev_hash   TEXT    NOT NULL,
  hash        TEXT    NOT NULL
) STRICT;
CREATE INDEX audit_by_entity ON audit (entity_type, key, seq);
CREATE INDEX audit_by_type ON audit (entity_type, seq);
CREATE INDEX audit_by_actor ON audit (actor, seq);
CREATE INDEX audit_by_at ON audit (at);
`;

/** Migration `i` takes a database from schema version `i` to `i + 1`. Append new ones; never edit a released one. */
const MIGRATIONS: readonly ((db: Database.Database) => void)[] = [(db) => db.exec(V1)];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Sets the connection's pragmas and brings the schema to `SCHEMA_VERSION` (`PRAGMA user_version`).
 * Throws `DependencyUnavailableError` when the file was written by a newer build.
 */
export function prepareDatabase(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // after a checkpoint, shrink the WAL that a large import grew instead of keeping it at its largest size
  db.pragma('journal_size_limit = 67108864');
  // v1 declares no foreign keys (planCommit checks references inside the write transaction); the pragma is on so
  // that constraints a later migration adds are enforced.
  db.pragma('foreign_keys = ON');
  // One IMMEDIATE transaction that reads the version first: two processes opening a new file do not both migrate.
  db.transaction(() => migrate(db)).immediate();
}

function migrate(db: Database.Database): void {
  const from = Number(db.pragma('user_version', { simple: true }));
  if (from > SCHEMA_VERSION) {
    throw new DependencyUnavailableError(
      `the config database has schema version ${from}, newer than this build of EM understands (${SCHEMA_VERSION}); run a newer EM or restore a backup`,
      { schemaVersion: from, supportedVersion: SCHEMA_VERSION },
    );
  }
  MIGRATIONS.slice(from).forEach((step, i) => {
    step(db);
    db.pragma(`user_version = ${from + i + 1}`);
  });
}
