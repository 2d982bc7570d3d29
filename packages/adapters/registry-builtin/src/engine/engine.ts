import { CorruptDataError, DependencyUnavailableError, DomainError } from '@envmgr/domain';
import type { Clock } from '@envmgr/ports';
import Database from 'better-sqlite3';
import { createAgentWrites } from './agent-writes.js';
import { createCatalogReads } from './catalog-reads.js';
import { prepareCatalogStatements } from './catalog-statements.js';
import { createWriter } from './changes.js';
import { createKvEngine } from './kv-engine.js';
import { prepareDatabase } from './schema.js';
import { createWatchers, type Timers } from './watchers.js';

export interface EngineOptions {
  path: string;
  clock: Clock;
  timers: Timers;
}

export type Engine = ReturnType<typeof createEngine>;

/**
 * The registry's state in one SQLite file, with its blocking reads and TTL expiry. Everything is synchronous
 * inside one process, so a read and the parking of its waiter cannot miss a write in between.
 */
export function createEngine(opts: EngineOptions) {
  const db = openDatabase(opts.path);
  const watchers = createWatchers(opts.clock, opts.timers);
  const writer = createWriter(db, (events) => watchers.publish(events));
  const st = prepareCatalogStatements(db);
  const kv = createKvEngine(db, writer);
  const catalog = createCatalogReads(st, writer);

  // One timer, armed for the earliest TTL deadline; re-armed after every write that moves a deadline.
  let expiryTimer: unknown;
  let armedAt: number | undefined;
  let closed = false;
  function armExpiry(): void {
    if (closed) return;
    const next = agent.nextExpiry();
    if (next === armedAt) return;
    if (armedAt !== undefined) opts.timers.clearTimeout(expiryTimer);
    armedAt = next;
    if (next === undefined) return;
    expiryTimer = opts.timers.setTimeout(() => {
      armedAt = undefined;
      if (closed) return;
      try {
        agent.expireDue();
        armExpiry();
      } catch {
        // the file failed (full disk?): nothing expired, so try again shortly rather than crash the process
        expiryTimer = opts.timers.setTimeout(armExpiry, 1000);
      }
    }, Math.max(0, next - opts.clock.now()));
  }
  const agent = createAgentWrites(st, writer, () => opts.clock.now(), armExpiry);
  // deadlines that passed while the registry was closed expire now
  agent.expireDue();
  armExpiry();

  const guard = <R>(work: () => R): R => {
    if (closed) throw new DependencyUnavailableError('the built-in registry is closed; the EM server is shutting down, retry shortly');
    try {
      return work();
    } catch (err) {
      throw translateSqliteError(err);
    }
  };

  return {
    kv: guardAll(kv, guard),
    catalog: guardAll(catalog, guard),
    agent: guardAll(agent, guard),
    block: watchers.block,
    close(): void {
      if (closed) return;
      closed = true;
      if (armedAt !== undefined) opts.timers.clearTimeout(expiryTimer);
      watchers.close();
      db.close();
    },
    /** Blocking reads now waiting (for tests and diagnostics). */
    get pendingReads(): number {
      return watchers.pending;
    },
  };
}

/** The object with each of its functions run through `guard`. */
function guardAll<T extends object>(obj: T, guard: <R>(work: () => R) => R): T {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(obj)) {
    out[name] = typeof value === 'function' ? (...args: unknown[]) => guard(() => (value as (...a: unknown[]) => unknown)(...args)) : value;
  }
  return out as T;
}

/** SQLite's failures as domain errors (the original kept as cause); anything else unchanged. */
function translateSqliteError(err: unknown): unknown {
  if (!(err instanceof Database.SqliteError)) return err;
  if (/^SQLITE_(CORRUPT|NOTADB)/.test(err.code)) {
    return new CorruptDataError('the registry file is damaged; restore it from a backup', {}, { cause: err });
  }
  return new DependencyUnavailableError('the registry file cannot be read or written (full, read-only or failing disk); check the disk and retry', {}, { cause: err });
}

function openDatabase(path: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: 1000 });
    prepareDatabase(db);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof DomainError) throw err;
    if (err instanceof Database.SqliteError && /^SQLITE_(CORRUPT|NOTADB)/.test(err.code)) {
      throw new CorruptDataError(`the registry file '${path}' is damaged or not a database; restore it from a backup or move it away`, { path }, { cause: err });
    }
    throw new DependencyUnavailableError(
      `cannot open the registry file '${path}': its directory is missing, it is not writable, or another process holds it; check the path and that only one EM server uses it`,
      { path },
      { cause: err },
    );
  }
}
