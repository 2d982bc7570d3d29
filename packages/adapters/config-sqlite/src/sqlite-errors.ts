import { CorruptDataError, DependencyUnavailableError, DomainError } from '@envmgr/domain';
import Database from 'better-sqlite3';

const BUSY = /^SQLITE_(BUSY|LOCKED)/;
const CORRUPT = /^SQLITE_(CORRUPT|NOTADB)/;
const STORAGE = /^SQLITE_(IOERR|FULL|CANTOPEN|READONLY|NOMEM|PROTOCOL|PERM)/;

/**
 * The domain error for a failure of SQLite, keeping the original as `cause`. Messages are fixed texts: SQLite's
 * own message can quote SQL and is left to the cause, which only logs see. Anything else (a domain error, or a
 * constraint or misuse error, which is a bug) is returned unchanged.
 */
export function translateSqliteError(err: unknown): unknown {
  if (err instanceof DomainError || !(err instanceof Database.SqliteError)) return err;
  const cause = { cause: err };
  if (BUSY.test(err.code)) {
    return new DependencyUnavailableError('the config database is busy with another writer; retry the request shortly', {}, cause);
  }
  if (CORRUPT.test(err.code)) {
    return new CorruptDataError('the config database file is damaged; restore it from a backup', {}, cause);
  }
  if (STORAGE.test(err.code)) {
    return new DependencyUnavailableError(
      'the config database cannot be read or written (missing, read-only, full or failing disk); check the disk and retry',
      {},
      cause,
    );
  }
  return err;
}

/** Runs synchronous database work and translates what it throws. */
export function guarded<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    throw translateSqliteError(err);
  }
}
