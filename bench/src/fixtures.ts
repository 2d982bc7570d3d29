import { ENTITIES, itemFacts, type EntityType, type JsonObject } from '@envmgr/domain';
import type { ChangeContext, ConfigChange } from '@envmgr/ports';
import { BenchFailure } from './report.js';

/** An item of a benchmark data set, in the shape the store and the export document hold. */
export interface FixtureItem {
  type: EntityType;
  key: string;
  data: JsonObject;
}

/** Services stored for the latency benchmark; all owned by cluster Infra, each with its own blue and green port. */
export const LATENCY_SERVICE_COUNT = 10_000;

/** Items of the export/import benchmark: 10 clusters and 99,990 services. */
export const EXPORT_CLUSTER_COUNT = 10;
export const EXPORT_ITEM_COUNT = 100_000;
/**
 * Services of the export set that have ports. Ports are unique and lie in 1024..65535, so at most ~32,000 services
 * can hold a blue and a green port; the rest of the set has none (the ports are optional).
 */
export const EXPORT_PORTED_SERVICES = 30_000;

export function latencyServiceKey(i: number): string {
  return `svc${String(i).padStart(5, '0')}`;
}

/** The data set of the latency benchmark: cluster Infra and `LATENCY_SERVICE_COUNT` services referring to it. */
export function latencyItems(): FixtureItem[] {
  const items = [item('clusters', { ClusterName: 'Infra', Value: { ShortName: 'IN' } })];
  for (let i = 1; i <= LATENCY_SERVICE_COUNT; i++) {
    items.push(
      item('services', {
        ServiceName: latencyServiceKey(i),
        OwningCluster: 'Infra',
        Value: { BluePort: 20_000 + 2 * i, GreenPort: 20_001 + 2 * i },
      }),
    );
  }
  return items;
}

/** The data set of the export/import benchmark: `EXPORT_ITEM_COUNT` items, services spread over the clusters. */
export function exportItems(): FixtureItem[] {
  const clusterName = (c: number): string => `Team${String(c).padStart(2, '0')}`;
  const items: FixtureItem[] = [];
  for (let c = 1; c <= EXPORT_CLUSTER_COUNT; c++) {
    items.push(item('clusters', { ClusterName: clusterName(c), Value: { ShortName: `T${String(c).padStart(2, '0')}` } }));
  }
  for (let i = 1; items.length < EXPORT_ITEM_COUNT; i++) {
    const ports: JsonObject = i <= EXPORT_PORTED_SERVICES ? { BluePort: 1100 + 2 * (i - 1), GreenPort: 1101 + 2 * (i - 1) } : {};
    items.push(
      item('services', {
        ServiceName: `svc${String(i).padStart(6, '0')}`,
        OwningCluster: clusterName((i % EXPORT_CLUSTER_COUNT) + 1),
        Value: { ...ports, PackageType: 'NodeJs', Description: `service ${i} of the export benchmark` },
      }),
    );
  }
  return items;
}

/** Create changes for a store's `commit`, with references, indexes and unique claims as the app computes them. */
export function createChanges(items: readonly FixtureItem[]): ConfigChange[] {
  return items.map(({ type, key, data }) => ({ op: 'create', type, key, data, ...itemFacts(type, data) }));
}

export function seedContext(): ChangeContext {
  return { actor: 'bench', requestId: 'bench-seed', at: new Date().toISOString() };
}

function item(type: EntityType, data: JsonObject): FixtureItem {
  const key = ENTITIES[type].keyOf(data);
  if (key === undefined) throw new BenchFailure(`fixture ${type} item has no key: ${JSON.stringify(data)}`);
  return { type, key, data };
}

/** A small seeded generator (mulberry32), so that every run requests the same sequence of keys. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
