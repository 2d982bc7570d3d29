import { readUpstream, type ConfigItem, type EntityType, type Upstream } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';

const PAGE = 1000;

/** Every item of a type (with an index filter), page by page in key order. */
export async function listAllItems(store: ConfigStore, type: EntityType, filter?: Record<string, string>): Promise<ConfigItem[]> {
  const out: ConfigItem[] = [];
  for (let after: string | undefined; ; ) {
    const page = await store.list(type, { limit: PAGE, ...(filter ? { filter } : {}), ...(after !== undefined ? { after } : {}) });
    out.push(...page);
    if (page.length < PAGE) return out;
    after = page[page.length - 1]?.key;
  }
}

/** The upstreams, optionally of one environment and service (exact names, as the configuration spells them). */
export async function loadUpstreams(store: ConfigStore, filter: { environment?: string; service?: string } = {}): Promise<Upstream[]> {
  const index = { ...(filter.environment !== undefined ? { environment: filter.environment } : {}), ...(filter.service !== undefined ? { service: filter.service } : {}) };
  const items = await listAllItems(store, 'upstreams', Object.keys(index).length ? index : undefined);
  return items.flatMap((i) => readUpstream(i) ?? []);
}

/** An item by its key, else by its key ignoring case (services are addressed as users spell them). */
export async function findIgnoringCase(store: ConfigStore, type: EntityType, key: string): Promise<ConfigItem | undefined> {
  const exact = await store.get(type, key);
  if (exact) return exact;
  const lower = key.toLowerCase();
  return (await listAllItems(store, type)).find((i) => i.key.toLowerCase() === lower);
}
