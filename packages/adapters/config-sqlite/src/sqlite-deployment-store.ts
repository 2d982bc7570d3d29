import Database from 'better-sqlite3';
import { AlreadyExistsError, CorruptDataError, NotFoundError, TERMINAL_STATES, VersionConflictError } from '@envmgr/domain';
import { DeploymentInProgressError, type DeploymentIndex, type DeploymentListQuery, type DeploymentStore, type StoredDeployment } from '@envmgr/ports';
import { guarded } from './sqlite-errors.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS deployments (
  id TEXT PRIMARY KEY, environment TEXT NOT NULL, service TEXT NOT NULL, state TEXT NOT NULL,
  requested_at_ms INTEGER NOT NULL, version INTEGER NOT NULL, record TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS deployments_by_time ON deployments (requested_at_ms, id);
CREATE INDEX IF NOT EXISTS deployments_by_target ON deployments (environment, service, requested_at_ms, id);
`;

interface Row {
  id: string; environment: string; service: string; state: string; requested_at_ms: number; version: number; record: string;
}

const NEWEST_FIRST = 'ORDER BY requested_at_ms DESC, id DESC';
/** The terminal states as SQL literals; they are fixed domain constants, never user input. */
const TERMINAL = TERMINAL_STATES.map((s) => `'${s}'`).join(', ');

const params = (i: DeploymentIndex, record: string, version: number) => ({
  id: i.id, environment: i.environment, service: i.service, state: i.state, requested_at_ms: i.requestedAtMs, version, record,
});

/**
 * Deployment records in their own SQLite file: JSON text plus the index columns. `create` with `uniqueActive`
 * checks and inserts in one IMMEDIATE transaction, so two servers sharing the file cannot both start a deployment.
 */
export function createSqliteDeploymentStore<R>(opts: { path: string; indexOf: (record: R) => DeploymentIndex }): DeploymentStore<R> {
  const db = new Database(opts.path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const st = {
    get: db.prepare<[string], Row>('SELECT * FROM deployments WHERE id = ?'),
    insert: db.prepare('INSERT INTO deployments VALUES (@id, @environment, @service, @state, @requested_at_ms, @version, @record)'),
    update: db.prepare(
      `UPDATE deployments SET environment = @environment, service = @service, state = @state, requested_at_ms = @requested_at_ms,
         version = @version, record = @record WHERE id = @id AND version = @version - 1`,
    ),
    active: db.prepare<[string, string], Row>(
      `SELECT * FROM deployments WHERE environment = ? AND service = ? AND state NOT IN (${TERMINAL}) ${NEWEST_FIRST}`,
    ),
  };
  const out = (row: Row): StoredDeployment<R> => {
    try {
      return { record: JSON.parse(row.record) as R, version: row.version };
    } catch (err) {
      throw new CorruptDataError(`deployment '${row.id}' is stored as invalid JSON; restore the deployments database from a backup`, { key: row.id }, { cause: err });
    }
  };

  const create = db.transaction((record: R, uniqueActive: { environment: string; service: string } | undefined): StoredDeployment<R> => {
    const index = opts.indexOf(record);
    if (st.get.get(index.id)) throw new AlreadyExistsError('deployment', index.id);
    const holder = uniqueActive ? st.active.get(uniqueActive.environment, uniqueActive.service) : undefined;
    if (uniqueActive && holder) throw new DeploymentInProgressError(uniqueActive.environment, uniqueActive.service, holder.id);
    const json = JSON.stringify(record);
    st.insert.run(params(index, json, 1));
    return { record: JSON.parse(json) as R, version: 1 };
  });
  const update = db.transaction((record: R, expectedVersion: number): StoredDeployment<R> => {
    const index = opts.indexOf(record);
    const json = JSON.stringify(record);
    if (st.update.run(params(index, json, expectedVersion + 1)).changes === 1) return { record: JSON.parse(json) as R, version: expectedVersion + 1 };
    const current = st.get.get(index.id);
    if (!current) throw new NotFoundError('deployment', index.id);
    throw new VersionConflictError('deployment', index.id, expectedVersion, current.version);
  });

  return {
    create: async (record, options) => guarded(() => create.immediate(record, options?.uniqueActive)),
    get: async (id) =>
      guarded(() => {
        const row = st.get.get(id);
        return row ? out(row) : undefined;
      }),
    update: async (record, expectedVersion) => guarded(() => update.immediate(record, expectedVersion)),
    list: async (q: DeploymentListQuery) =>
      guarded(() => {
        if (q.states?.length === 0) return [];
        const where: string[] = [];
        const args: (string | number)[] = [];
        const add = (clause: string, ...values: (string | number)[]): void => {
          where.push(clause);
          args.push(...values);
        };
        if (q.environment !== undefined) add('environment = ?', q.environment);
        if (q.service !== undefined) add('service = ?', q.service);
        if (q.states !== undefined) add(`state IN (${q.states.map(() => '?').join(', ')})`, ...q.states);
        if (q.sinceMs !== undefined) add('requested_at_ms >= ?', q.sinceMs);
        if (q.before !== undefined) add('(requested_at_ms, id) < (?, ?)', q.before.requestedAtMs, q.before.id);
        const sql = `SELECT * FROM deployments ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${NEWEST_FIRST} LIMIT ?`;
        return db.prepare<(string | number)[], Row>(sql).all(...args, q.limit).map(out);
      }),
    findActive: async (environment, service) => guarded(() => st.active.all(environment, service).map(out)),
    close: async () => void db.close(),
  };
}
