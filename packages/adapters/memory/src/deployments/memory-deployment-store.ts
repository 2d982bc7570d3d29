import { AlreadyExistsError, NotFoundError, VersionConflictError } from '@envmgr/domain';
import {
  DeploymentInProgressError,
  isActiveDeploymentState,
  type DeploymentCursor,
  type DeploymentIndex,
  type DeploymentListQuery,
  type DeploymentStore,
  type StoredDeployment,
} from '@envmgr/ports';

interface Row {
  /** The record as JSON text, as a real store holds it: what goes in is what comes out, and nothing is shared. */
  json: string;
  index: DeploymentIndex;
  version: number;
}

/** Newest first: requestedAtMs descending, then id descending. */
const newestFirst = (a: DeploymentCursor, b: DeploymentCursor): number =>
  b.requestedAtMs - a.requestedAtMs || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** A DeploymentStore in process memory: the fake for unit and API tests. */
export function createMemoryDeploymentStore<R>(opts: { indexOf: (record: R) => DeploymentIndex }): DeploymentStore<R> {
  const rows = new Map<string, Row>();
  const out = (row: Row): StoredDeployment<R> => ({ record: JSON.parse(row.json) as R, version: row.version });
  const sorted = (match: (i: DeploymentIndex) => boolean): Row[] => [...rows.values()].filter((r) => match(r.index)).sort((a, b) => newestFirst(a.index, b.index));
  const active = (environment: string, service: string): Row[] =>
    sorted((i) => i.environment === environment && i.service === service && isActiveDeploymentState(i.state));

  return {
    async create(record, options) {
      const index = { ...opts.indexOf(record) };
      if (rows.has(index.id)) throw new AlreadyExistsError('deployment', index.id);
      const u = options?.uniqueActive;
      const holder = u ? active(u.environment, u.service)[0] : undefined;
      if (u && holder) throw new DeploymentInProgressError(u.environment, u.service, holder.index.id);
      const row = { json: JSON.stringify(record), index, version: 1 };
      rows.set(index.id, row);
      return out(row);
    },
    async get(id) {
      const row = rows.get(id);
      return row ? out(row) : undefined;
    },
    async update(record, expectedVersion) {
      const index = { ...opts.indexOf(record) };
      const row = rows.get(index.id);
      if (!row) throw new NotFoundError('deployment', index.id);
      if (row.version !== expectedVersion) throw new VersionConflictError('deployment', index.id, expectedVersion, row.version);
      const next = { json: JSON.stringify(record), index, version: row.version + 1 };
      rows.set(index.id, next);
      return out(next);
    },
    async list(q: DeploymentListQuery) {
      const { before } = q;
      return sorted(
        (i) =>
          (q.environment === undefined || i.environment === q.environment) &&
          (q.service === undefined || i.service === q.service) &&
          (q.states === undefined || q.states.includes(i.state)) &&
          (q.sinceMs === undefined || i.requestedAtMs >= q.sinceMs) &&
          (before === undefined || newestFirst(before, i) < 0),
      )
        .slice(0, q.limit)
        .map(out);
    },
    async findActive(environment, service) {
      return active(environment, service).map(out);
    },
    async close() {},
  };
}
