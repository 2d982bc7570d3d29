import { ENTITY_TYPES, toWire, type ConfigItem, type EntityType, type JsonObject } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';

export const EXPORT_FORMAT = 'envmgr-config';
export const EXPORT_FORMAT_VERSION = 1;
const PAGE = 5000;

/** Every item of one type, in key order. */
export async function listAll(store: ConfigStore, type: EntityType): Promise<ConfigItem[]> {
  const out: ConfigItem[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.list(type, { limit: PAGE, ...(after !== undefined ? { after } : {}) });
    out.push(...page);
    if (page.length < PAGE) return out;
    after = page[page.length - 1]?.key;
  }
}

/** Every item of one type, in key order, in wire shape (data + Version). */
export async function exportType(store: ConfigStore, type: EntityType): Promise<JsonObject[]> {
  return (await listAll(store, type)).map(toWire);
}

/**
 * The export document: deterministic for a given store (types in a fixed order, items in key order, no
 * timestamps), so that export → wipe → import → export gives the same bytes.
 */
export async function exportConfig(deps: { store: ConfigStore }, types: readonly EntityType[] = ENTITY_TYPES): Promise<JsonObject> {
  const items: JsonObject = {};
  for (const t of ENTITY_TYPES) if (types.includes(t)) items[t] = await exportType(deps.store, t);
  return { format: EXPORT_FORMAT, formatVersion: EXPORT_FORMAT_VERSION, items };
}
