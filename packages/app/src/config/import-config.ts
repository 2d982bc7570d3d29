import {
  checkItem,
  ENTITIES,
  ENTITY_TYPES,
  itemFacts,
  jsonEqual,
  OWNED_TYPES,
  ValidationError,
  type EntityType,
  type FieldProblem,
  type JsonObject,
} from '@envmgr/domain';
import type { ConfigChange, ConfigStore } from '@envmgr/ports';
import type { ConfigDeps, RequestContext } from '../context.js';
import { listAll } from './export-config.js';
import { loadResolver, overlayKey } from './resolver.js';
import { changeContext } from './write-items.js';
import { requireAdmin } from '../identity/access.js';
import { assertAdminRemains } from '../identity/last-admin.js';

export type ImportMode = 'merge' | 'replace';

/** An item of an import document; `version` is the Version it was exported at (kept when the item is created). */
export interface ImportItem {
  data: JsonObject;
  version: number | undefined;
}

export interface ImportChange {
  op: 'create' | 'update' | 'delete' | 'unchanged';
  type: EntityType;
  key: string;
  fromVersion?: number;
  toVersion?: number;
}

export interface ImportOutcome {
  dryRun: boolean;
  mode: ImportMode;
  summary: Record<ImportChange['op'], number>;
  changes: ImportChange[];
}

interface Planned {
  changes: ConfigChange[];
  report: ImportChange[];
  problems: FieldProblem[];
}

/**
 * Imports items all-or-nothing. merge creates and updates; replace also deletes items of the document's types that
 * it lacks. Every problem (duplicate keys, dangling references, rules) is reported at once with a path into the
 * document (`items.<type>.<index>...`); when there is any, nothing is written. Unchanged items are not rewritten.
 */
export async function importConfig(
  deps: ConfigDeps,
  req: RequestContext,
  cmd: {
    items: Partial<Record<EntityType, ImportItem[]>>;
    mode: ImportMode;
    dryRun: boolean;
    /** Where problems of an item are reported. @default `items.<type>.<index>`, as in the export document */
    itemPath?: (type: EntityType, index: number) => string;
  },
): Promise<ImportOutcome> {
  // an import can touch every type and scope at once, so it is an administrator's tool
  requireAdmin(req.actor, 'import configuration');
  const plan = await planImport(deps.store, cmd.items, cmd.mode, cmd.itemPath ?? ((type, index) => `items.${type}.${index}`));
  if (plan.problems.length) throw new ValidationError(plan.problems);
  const [first, ...rest] = plan.changes.map((c) => ({ type: c.type, key: c.key, data: c.op === 'delete' ? undefined : c.data }));
  if (first) await assertAdminRemains(deps.store, first, rest);
  if (!cmd.dryRun && plan.changes.length) await deps.store.commit(plan.changes, changeContext(deps, req));
  const summary = { create: 0, update: 0, delete: 0, unchanged: 0 };
  for (const c of plan.report) summary[c.op]++;
  return { dryRun: cmd.dryRun, mode: cmd.mode, summary, changes: plan.report };
}

async function planImport(
  store: ConfigStore,
  items: Partial<Record<EntityType, ImportItem[]>>,
  mode: ImportMode,
  itemPath: (type: EntityType, index: number) => string,
): Promise<Planned> {
  const out: Planned = { changes: [], report: [], problems: [] };
  const overlay = new Map<string, JsonObject | null>();
  const checks: { type: EntityType; data: JsonObject; before: JsonObject | undefined; path: string }[] = [];
  for (const type of ENTITY_TYPES) {
    const given = items[type];
    if (!given) continue;
    const existing = new Map((await listAll(store, type)).map((i) => [i.key, i]));
    const seen = new Set<string>();
    given.forEach((item, index) => {
      const path = itemPath(type, index);
      const key = ENTITIES[type].keyOf(item.data);
      if (key === undefined) return out.problems.push({ path, message: 'has no key' });
      if (seen.has(key)) return out.problems.push({ path, message: `${ENTITIES[type].label} '${key}' appears more than once` });
      seen.add(key);
      const before = existing.get(key);
      overlay.set(overlayKey(type, key), item.data);
      if (before && jsonEqual(before.data, item.data)) return out.report.push({ op: 'unchanged', type, key, fromVersion: before.version, toVersion: before.version });
      checks.push({ type, data: item.data, before: before?.data, path });
      out.changes.push(
        before
          ? { op: 'update', type, key, data: item.data, expectedVersion: before.version, ...itemFacts(type, item.data) }
          : { op: 'create', type, key, data: item.data, version: item.version ?? 1, ...itemFacts(type, item.data) },
      );
      return out.report.push(before ? { op: 'update', type, key, fromVersion: before.version, toVersion: before.version + 1 } : { op: 'create', type, key, toVersion: item.version ?? 1 });
    });
    if (mode === 'replace') {
      for (const [key, before] of existing) {
        if (seen.has(key)) continue;
        overlay.set(overlayKey(type, key), null);
        out.changes.push({ op: 'delete', type, key, expectedVersion: before.version });
        out.report.push({ op: 'delete', type, key, fromVersion: before.version });
      }
    }
  }
  await cascadeOwned(store, items, out, overlay);
  const resolve = await loadResolver(store, checks, overlay);
  for (const c of checks) {
    for (const p of checkItem(c.type, c.data, { resolve, before: c.before })) out.problems.push({ path: c.path ? `${c.path}.${p.path}` : p.path, message: p.message });
  }
  out.problems.push(...(await stillReferenced(store, out.changes, overlay)));
  return out;
}

/**
 * A replace that deletes an item also deletes what it owns (an environment's ops record), unless the document
 * carries that type itself: then the document decides, and an ops record it keeps for a deleted environment is reported.
 */
async function cascadeOwned(
  store: ConfigStore,
  items: Partial<Record<EntityType, ImportItem[]>>,
  out: Planned,
  overlay: Map<string, JsonObject | null>,
): Promise<void> {
  for (const c of [...out.changes]) {
    if (c.op !== 'delete') continue;
    for (const type of OWNED_TYPES[c.type] ?? []) {
      if (items[type] || overlay.has(overlayKey(type, c.key))) continue;
      const owned = await store.get(type, c.key);
      if (!owned) continue;
      overlay.set(overlayKey(type, c.key), null);
      out.changes.unshift({ op: 'delete', type, key: c.key, expectedVersion: owned.version });
      out.report.push({ op: 'delete', type, key: c.key, fromVersion: owned.version });
    }
  }
}

/** Deletions whose stored referrers the import leaves in place. */
async function stillReferenced(store: ConfigStore, changes: ConfigChange[], overlay: Map<string, JsonObject | null>): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  for (const c of changes) {
    if (c.op !== 'delete') continue;
    const referrers = (await store.referrers({ type: c.type, key: c.key }, 50)).filter((r) => !overlay.has(overlayKey(r.type, r.key)));
    if (referrers.length) {
      problems.push({
        path: `items.${c.type}`,
        message: `replace would delete ${ENTITIES[c.type].label} '${c.key}', still used by ${referrers.map((r) => `${ENTITIES[r.type].label} '${r.key}'`).join(', ')}`,
      });
    }
  }
  return problems;
}
