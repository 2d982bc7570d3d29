import Database from 'better-sqlite3';
import { AlreadyExistsError, CorruptDataError } from '@envmgr/domain';
import type { LatestActionQuery, ScheduleActionLog, ScheduleActionQuery, ScheduleActionRecord } from '@envmgr/ports';
import { guarded } from './sqlite-errors.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS schedule_actions (
  id TEXT PRIMARY KEY, at_ms INTEGER NOT NULL, subject TEXT NOT NULL, environment TEXT NOT NULL, cluster TEXT,
  action TEXT NOT NULL, outcome TEXT NOT NULL, record TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS schedule_actions_by_time ON schedule_actions (at_ms, id);
CREATE INDEX IF NOT EXISTS schedule_actions_by_subject ON schedule_actions (subject, at_ms, id);
CREATE INDEX IF NOT EXISTS schedule_actions_by_environment ON schedule_actions (environment, at_ms, id);
`;

/** `WHERE` clauses and their arguments, built from the filters given. */
class Where {
  readonly clauses: string[] = [];
  readonly args: (string | number)[] = [];
  add(clause: string, ...values: (string | number)[]): this {
    this.clauses.push(clause);
    this.args.push(...values);
    return this;
  }
  get sql(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

function filters(q: Pick<ScheduleActionQuery, 'environment' | 'cluster'>, where: Where): Where {
  if (q.environment !== undefined) where.add('environment = ?', q.environment);
  if (q.cluster !== undefined) where.add('cluster = ?', q.cluster);
  return where;
}

/**
 * The scheduler's action log in its own SQLite file (records as JSON plus the columns queries filter on). It is
 * append-only; nothing here deletes (see docs/scheduling.md for its growth).
 */
export function createSqliteScheduleActionLog(opts: { path: string }): ScheduleActionLog {
  const db = new Database(opts.path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const insert = db.prepare('INSERT INTO schedule_actions VALUES (@id, @at_ms, @subject, @environment, @cluster, @action, @outcome, @record)');
  const exists = db.prepare<[string], { id: string }>('SELECT id FROM schedule_actions WHERE id = ?');
  const append = db.transaction((records: readonly ScheduleActionRecord[]) => {
    const seen = new Set<string>();
    for (const r of records) {
      if (seen.has(r.id) || exists.get(r.id)) throw new AlreadyExistsError('schedule action', r.id);
      seen.add(r.id);
      insert.run({ id: r.id, at_ms: r.atMs, subject: r.subject, environment: r.environment, cluster: r.cluster ?? null, action: r.action, outcome: r.outcome, record: JSON.stringify(r) });
    }
  });
  // keeps, per subject and action, the latest done record before the cut: what latestBefore answers from
  const prune = db.prepare(`DELETE FROM schedule_actions WHERE at_ms < ? AND id NOT IN (
      SELECT id FROM (
        SELECT id, ROW_NUMBER() OVER (PARTITION BY subject, action ORDER BY at_ms DESC, id DESC) AS n
        FROM schedule_actions WHERE at_ms < ? AND outcome = 'done'
      ) WHERE n = 1)`);
  const out = (row: { id: string; record: string }): ScheduleActionRecord => {
    try {
      return JSON.parse(row.record) as ScheduleActionRecord;
    } catch (err) {
      throw new CorruptDataError(`schedule action '${row.id}' is stored as invalid JSON; restore the schedule actions database from a backup`, { key: row.id }, { cause: err });
    }
  };
  return {
    append: async (records) => guarded(() => append.immediate(records)),
    list: async (q: ScheduleActionQuery) =>
      guarded(() => {
        const where = filters(q, new Where());
        if (q.sinceMs !== undefined) where.add('at_ms >= ?', q.sinceMs);
        if (q.untilMs !== undefined) where.add('at_ms < ?', q.untilMs);
        if (q.subject !== undefined) where.add('subject = ?', q.subject);
        if (q.outcome !== undefined) where.add('outcome = ?', q.outcome);
        if (q.after !== undefined) where.add('(at_ms, id) > (?, ?)', q.after.atMs, q.after.id);
        const sql = `SELECT id, record FROM schedule_actions ${where.sql} ORDER BY at_ms, id LIMIT ?`;
        return db.prepare<(string | number)[], { id: string; record: string }>(sql).all(...where.args, q.limit).map(out);
      }),
    latestBefore: async (q: LatestActionQuery) =>
      guarded(() => {
        if (q.actions.length === 0) return [];
        const where = filters(q, new Where().add('at_ms < ?', q.beforeMs).add("outcome = 'done'"));
        where.add(`action IN (${q.actions.map(() => '?').join(', ')})`, ...q.actions);
        const sql = `SELECT id, record FROM (
            SELECT id, subject, record, ROW_NUMBER() OVER (PARTITION BY subject ORDER BY at_ms DESC, id DESC) AS n FROM schedule_actions ${where.sql}
          ) WHERE n = 1 ORDER BY subject`;
        return db.prepare<(string | number)[], { id: string; record: string }>(sql).all(...where.args).map(out);
      }),
    prune: async (beforeMs: number) => guarded(() => prune.run(beforeMs, beforeMs).changes),
    close: async () => void db.close(),
  };
}
