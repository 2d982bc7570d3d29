import {
  AlreadyExistsError,
  DanglingReferenceError,
  NotFoundError,
  ReferencedError,
  UniquenessError,
  VersionConflictError,
  type DomainError,
} from '../errors.js';
import type { JsonObject } from '../json.js';
import type { ConfigItem, EntityRef, EntityType, Reference } from './config-item.js';
import { ENTITIES, type UniqueClaim } from './entities.js';

/** A change as a store receives it (mirrors the ConfigStore port's `ConfigChange`). */
export type PlannedChange =
  | { op: 'create'; type: EntityType; key: string; data: JsonObject; version?: number; references: Reference[]; uniques: UniqueClaim[] }
  | { op: 'update'; type: EntityType; key: string; data: JsonObject; expectedVersion: number; references: Reference[]; uniques: UniqueClaim[] }
  | { op: 'delete'; type: EntityType; key: string; expectedVersion: number };

/** What a store can answer synchronously inside its transaction, about the state before the batch. */
export interface StoreView {
  get(type: EntityType, key: string): ConfigItem | undefined;
  /** Stored items referring to target (at most limit). */
  referrers(target: EntityRef, limit: number): EntityRef[];
  /** The stored item holding a unique claim, if any. */
  uniqueHolder(value: string): EntityRef | undefined;
}

export interface PlannedWrite {
  before: ConfigItem | undefined;
  after: ConfigItem | undefined;
}

export type CommitPlan = { ok: true; writes: PlannedWrite[] } | { ok: false; error: DomainError };

const id = (r: EntityRef): string => `${r.type}\u0000${r.key}`;

/**
 * Decides what a batch does to the store: the version checks of each change, then, on the state after the whole
 * batch, the reference and uniqueness rules. Order inside a batch does not matter for the latter, so an import can
 * create an environment before its environment type.
 */
export function planCommit(changes: readonly PlannedChange[], view: StoreView): CommitPlan {
  const overlay = new Map<string, ConfigItem | null>();
  const current = (type: EntityType, key: string): ConfigItem | undefined => {
    const o = overlay.get(id({ type, key }));
    return o === null ? undefined : (o ?? view.get(type, key));
  };
  const writes: PlannedWrite[] = [];
  for (const c of changes) {
    const label = ENTITIES[c.type].label;
    const before = current(c.type, c.key);
    if (c.op === 'create') {
      if (before) return { ok: false, error: new AlreadyExistsError(label, c.key) };
    } else {
      if (!before) return { ok: false, error: new NotFoundError(label, c.key) };
      if (before.version !== c.expectedVersion) {
        return { ok: false, error: new VersionConflictError(label, c.key, c.expectedVersion, before.version) };
      }
    }
    const after: ConfigItem | undefined =
      c.op === 'delete'
        ? undefined
        : { type: c.type, key: c.key, data: c.data, version: c.op === 'create' ? (c.version ?? 1) : (before?.version ?? 0) + 1 };
    overlay.set(id(c), after ?? null);
    writes.push({ before, after });
  }
  const problem = checkReferences(changes, view, current) ?? checkUniques(changes, view, overlay);
  return problem ? { ok: false, error: problem } : { ok: true, writes };
}

function checkReferences(
  changes: readonly PlannedChange[],
  view: StoreView,
  current: (type: EntityType, key: string) => ConfigItem | undefined,
): DomainError | undefined {
  const touched = new Set(changes.map(id));
  for (const c of changes) {
    if (c.op === 'delete') continue;
    if (!current(c.type, c.key)) continue; // deleted again later in the batch
    const missing = c.references.filter((r) => !current(r.type, r.key));
    if (missing.length) {
      return new DanglingReferenceError(missing.map((r) => ({ path: r.path, message: `${ENTITIES[r.type].label} '${r.key}' does not exist` })));
    }
  }
  for (const c of changes) {
    if (c.op !== 'delete' || current(c.type, c.key)) continue;
    // stored referrers that the batch leaves untouched still point here; touched ones were re-checked above
    const stored = view.referrers({ type: c.type, key: c.key }, touched.size + 5).filter((r) => !touched.has(id(r)));
    const inBatch = changes.filter((o) => o.op !== 'delete' && current(o.type, o.key) && o.references.some((r) => r.type === c.type && r.key === c.key));
    const referrers = [...stored, ...inBatch.map((o) => ({ type: o.type, key: o.key }))].slice(0, 5);
    if (referrers.length) return new ReferencedError(ENTITIES[c.type].label, c.key, referrers);
  }
  return undefined;
}

function checkUniques(changes: readonly PlannedChange[], view: StoreView, overlay: Map<string, ConfigItem | null>): DomainError | undefined {
  const claimed = new Map<string, EntityRef>();
  for (const c of changes) {
    if (c.op === 'delete' || overlay.get(id(c)) === null) continue;
    for (const u of c.uniques) {
      const inBatch = claimed.get(u.value);
      const stored = view.uniqueHolder(u.value);
      const holder = inBatch ?? (stored && !overlay.has(id(stored)) ? stored : undefined);
      if (holder && id(holder) !== id(c)) {
        const what = u.value.startsWith('name:') ? `the name '${c.key}' differs only in case from` : `${u.path} ${u.value.split(':').pop() ?? ''} is already used by`;
        return new UniquenessError(`${what} ${ENTITIES[holder.type].label} '${holder.key}'; pick another ${u.value.startsWith('name:') ? 'name' : 'value'}`, {
          path: u.path,
          heldBy: holder,
        });
      }
      claimed.set(u.value, { type: c.type, key: c.key });
    }
  }
  return undefined;
}
