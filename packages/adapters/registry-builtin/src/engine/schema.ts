import { DependencyUnavailableError } from '@envmgr/domain';
import type Database from 'better-sqlite3';

const SCHEMA_VERSION = 1;

/**
 * The registry's tables. Indexes follow Consul: one counter (`last_index`, like Raft's) numbers every write, and
 * each query reports the highest index that changed what it reads: a key (or its tombstone), a prefix, a service
 * name, a node's checks, or a whole table (`kv`, `services`, `nodes`). Deleted keys leave a tombstone so that a
 * prefix's index never goes backwards.
 */
const DDL = `
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kv (
  key TEXT PRIMARY KEY, value BLOB NOT NULL, flags INTEGER NOT NULL,
  create_index INTEGER NOT NULL, modify_index INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kv_tombstones (key TEXT PRIMARY KEY, delete_index INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS nodes (
  node TEXT PRIMARY KEY, address TEXT NOT NULL,
  create_index INTEGER NOT NULL, modify_index INTEGER NOT NULL, checks_index INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS services (
  node TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, tags TEXT NOT NULL, address TEXT NOT NULL,
  port INTEGER NOT NULL, meta TEXT NOT NULL, create_index INTEGER NOT NULL, modify_index INTEGER NOT NULL,
  PRIMARY KEY (node, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS services_by_name ON services (name, node, id);
CREATE TABLE IF NOT EXISTS checks (
  node TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL, output TEXT NOT NULL,
  notes TEXT NOT NULL, service_id TEXT NOT NULL, service_name TEXT NOT NULL, type TEXT NOT NULL,
  definition TEXT NOT NULL, ttl_ms INTEGER, expires_at INTEGER,
  create_index INTEGER NOT NULL, modify_index INTEGER NOT NULL,
  PRIMARY KEY (node, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS checks_by_service ON checks (node, service_id);
CREATE INDEX IF NOT EXISTS checks_by_expiry ON checks (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS service_names (name TEXT PRIMARY KEY, modify_index INTEGER NOT NULL) WITHOUT ROWID;
`;

const COUNTERS = ['last_index', 'kv_index', 'nodes_index', 'services_index'];

/**
 * Opens the schema. The file is held with an exclusive lock: blocking reads are woken by the writes of this
 * process, so a second process writing the same file would leave them asleep.
 */
export function prepareDatabase(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('synchronous = NORMAL');
  db.transaction(() => {
    db.exec(DDL);
    const version = db.prepare<[], { value: number }>(`SELECT value FROM meta WHERE name = 'schema_version'`).get();
    if (version && version.value > SCHEMA_VERSION) {
      throw new DependencyUnavailableError(
        `the registry file was written by a newer EM (schema ${version.value}, this build knows ${SCHEMA_VERSION}); upgrade EM or use another file`,
        { schemaVersion: version.value },
      );
    }
    const insert = db.prepare(`INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)`);
    insert.run('schema_version', SCHEMA_VERSION);
    // writes start at index 2, so that 1, the index of what was never written, is older than every write
    // (Consul: "index 1 is impossible due to Raft internals")
    for (const counter of COUNTERS) insert.run(counter, counter === 'last_index' ? 1 : 0);
  }).immediate();
}
