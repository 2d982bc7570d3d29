import { ENTITIES, NotFoundError, type AuditRecord, type ConfigItem, type EntityType } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';

/** Returns the item or throws NotFoundError. */
export async function getItem(deps: { store: ConfigStore }, type: EntityType, key: string): Promise<ConfigItem> {
  const item = await deps.store.get(type, key);
  if (!item) throw new NotFoundError(ENTITIES[type].label, key);
  return item;
}

export interface Page<T, C> {
  items: T[];
  /** Where the next page starts; undefined on the last page. */
  next: C | undefined;
}

/** One page of items in key order. Reads one extra item to know whether another page follows. */
export async function listItems(
  deps: { store: ConfigStore },
  type: EntityType,
  q: { filter: Record<string, string>; after: string | undefined; limit: number },
): Promise<Page<ConfigItem, string>> {
  const rows = await deps.store.list(type, { filter: q.filter, ...(q.after !== undefined ? { after: q.after } : {}), limit: q.limit + 1 });
  const items = rows.slice(0, q.limit);
  return { items, next: rows.length > q.limit ? items[items.length - 1]?.key : undefined };
}

/** The audit records of one item, newest first (also for items deleted since). */
export async function itemHistory(
  deps: { store: ConfigStore },
  type: EntityType,
  key: string,
  q: { beforeSeq: number | undefined; limit: number },
): Promise<Page<AuditRecord, number>> {
  const rows = await deps.store.queryAudit({ entityType: type, key, limit: q.limit + 1, ...(q.beforeSeq !== undefined ? { beforeSeq: q.beforeSeq } : {}) });
  if (!rows.length && q.beforeSeq === undefined) throw new NotFoundError(ENTITIES[type].label, key);
  const items = rows.slice(0, q.limit);
  return { items, next: rows.length > q.limit ? items[items.length - 1]?.seq : undefined };
}
