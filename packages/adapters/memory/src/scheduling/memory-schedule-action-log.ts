import { AlreadyExistsError } from '@envmgr/domain';
import type { ScheduleActionLog, ScheduleActionQuery, ScheduleActionRecord } from '@envmgr/ports';

/** A JSON round trip, as a database would store it: absent optional fields stay absent. */
const copy = (r: ScheduleActionRecord): ScheduleActionRecord => JSON.parse(JSON.stringify(r)) as ScheduleActionRecord;

const order = (a: ScheduleActionRecord, b: ScheduleActionRecord): number => a.atMs - b.atMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function matches(r: ScheduleActionRecord, q: Omit<ScheduleActionQuery, 'limit' | 'after'>): boolean {
  return (
    (q.sinceMs === undefined || r.atMs >= q.sinceMs) &&
    (q.untilMs === undefined || r.atMs < q.untilMs) &&
    (q.environment === undefined || r.environment === q.environment) &&
    (q.cluster === undefined || r.cluster === q.cluster) &&
    (q.subject === undefined || r.subject === q.subject) &&
    (q.outcome === undefined || r.outcome === q.outcome)
  );
}

/** The scheduler's action log in memory, for tests and `ENVMGR_STORE=memory`; passes `scheduleActionLogContract`. */
export function createMemoryScheduleActionLog(): ScheduleActionLog {
  const records: ScheduleActionRecord[] = [];
  const ids = new Set<string>();
  let sorted = true;
  const all = (): ScheduleActionRecord[] => {
    if (!sorted) records.sort(order);
    sorted = true;
    return records;
  };
  return {
    async append(batch) {
      const seen = new Set<string>();
      for (const r of batch) {
        if (ids.has(r.id) || seen.has(r.id)) throw new AlreadyExistsError('schedule action', r.id);
        seen.add(r.id);
      }
      for (const r of batch) {
        records.push(copy(r));
        ids.add(r.id);
      }
      sorted = false;
    },
    async list(q) {
      const after = q.after;
      const out: ScheduleActionRecord[] = [];
      for (const r of all()) {
        if (out.length >= q.limit) break;
        if (after && (r.atMs < after.atMs || (r.atMs === after.atMs && r.id <= after.id))) continue;
        if (matches(r, q)) out.push(copy(r));
      }
      return out;
    },
    async latestBefore(q) {
      const latest = new Map<string, ScheduleActionRecord>();
      for (const r of all()) {
        if (r.atMs >= q.beforeMs) break;
        if (r.outcome === 'done' && q.actions.includes(r.action) && matches(r, q)) latest.set(r.subject, r);
      }
      return [...latest.values()].sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0)).map(copy);
    },
    async prune(beforeMs) {
      const kept = new Map<string, ScheduleActionRecord>();
      for (const r of all()) {
        if (r.atMs >= beforeMs) break;
        if (r.outcome === 'done') kept.set(`${r.subject}\u0000${r.action}`, r);
      }
      const keep = new Set(kept.values());
      const gone = all().filter((r) => r.atMs < beforeMs && !keep.has(r));
      for (const r of gone) ids.delete(r.id);
      const left = records.filter((r) => r.atMs >= beforeMs || keep.has(r));
      records.splice(0, records.length, ...left);
      return gone.length;
    },
    async close() {},
  };
}
