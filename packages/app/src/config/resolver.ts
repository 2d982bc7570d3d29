import { ENTITIES, type ConfigItem, type EntityRef, type EntityType, type JsonObject, type Peers, type Resolve } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';
import { listAll } from './export-config.js';

const id = (r: EntityRef): string => `${r.type}\u0000${r.key}`;

/**
 * Builds the synchronous `Resolve` the domain rules need: items about to be written (or deleted: null) take
 * precedence over the store; every item the given data refers to is loaded from the store up front.
 */
export async function loadResolver(
  store: ConfigStore,
  pending: ReadonlyArray<{ type: EntityType; data: JsonObject }>,
  overlay: ReadonlyMap<string, JsonObject | null> = new Map(),
): Promise<Resolve> {
  const loaded = new Map<string, JsonObject | null>();
  const wanted = new Map<string, EntityRef>();
  for (const p of pending) {
    for (const r of ENTITIES[p.type].references(p.data)) if (!overlay.has(id(r))) wanted.set(id(r), r);
  }
  const found = await Promise.all([...wanted.values()].map((r) => store.get(r.type, r.key)));
  [...wanted.keys()].forEach((k, i) => loaded.set(k, found[i]?.data ?? null));
  return (type, key) => {
    const k = id({ type, key });
    const v = overlay.has(k) ? overlay.get(k) : loaded.get(k);
    return v ?? undefined;
  };
}

export function overlayKey(type: EntityType, key: string): string {
  return id({ type, key });
}

export function itemKey(item: ConfigItem): string {
  return id(item);
}

/**
 * The `Peers` of the rules of `types` being written: every item of each peer type those types name, from the store,
 * with the overlay (items about to be written, or deleted: null) applied. Loaded only when a written type has peers.
 */
export async function loadPeers(store: ConfigStore, types: Iterable<EntityType>, overlay: ReadonlyMap<string, JsonObject | null>): Promise<Peers> {
  const wanted = new Set<EntityType>();
  for (const t of types) for (const p of ENTITIES[t].peers ?? []) wanted.add(p);
  const byType = new Map<EntityType, JsonObject[]>();
  for (const type of wanted) {
    const items = new Map((await listAll(store, type)).map((i) => [id(i), i.data] as [string, JsonObject | null]));
    for (const [k, v] of overlay) if (k.startsWith(`${type}\u0000`)) items.set(k, v);
    byType.set(type, [...items.values()].filter((v): v is JsonObject => v !== null));
  }
  return (type) => byType.get(type) ?? [];
}
