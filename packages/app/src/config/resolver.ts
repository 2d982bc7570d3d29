import { ENTITIES, type ConfigItem, type EntityRef, type EntityType, type JsonObject, type Resolve } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';

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
