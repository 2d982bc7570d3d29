import type { CatalogServiceSummary } from '@envmgr/ports';
import type { Writer } from './changes.js';
import { tagsOf, toCheck, toNode, toService, type CheckRecord, type NodeRecord, type ServiceRecord } from './catalog-rows.js';
import type { CatalogStatements } from './catalog-statements.js';
import type { KvRead } from './kv-engine.js';

export interface ServiceEntry {
  node: NodeRecord;
  service: ServiceRecord;
}

export interface HealthEntry extends ServiceEntry {
  /** The node's own checks, then the service's, each by id. */
  checks: CheckRecord[];
}

export type CatalogReads = ReturnType<typeof createCatalogReads>;

/**
 * Catalog and health queries with their indexes: a service name's index moves with its instances and their checks,
 * a node's health index with its checks, the service list with registrations, the node list with nodes.
 */
export function createCatalogReads(st: CatalogStatements, writer: Writer) {
  const nameIndex = (name: string): number => Math.max(1, st.nameIndex.get(name)?.modify_index ?? 0);

  function entries(name: string): ServiceEntry[] {
    const nodes = new Map<string, NodeRecord>();
    const out: ServiceEntry[] = [];
    for (const row of st.servicesByName.all(name)) {
      let node = nodes.get(row.node);
      if (!node) {
        const found = st.node.get(row.node);
        if (!found) continue;
        node = toNode(found);
        nodes.set(row.node, node);
      }
      out.push({ node, service: toService(row) });
    }
    return out;
  }

  return {
    services(): KvRead<CatalogServiceSummary[]> {
      const tags = new Map<string, Set<string>>();
      for (const row of st.allServices.all()) {
        const set = tags.get(row.name) ?? new Set<string>();
        for (const tag of tagsOf(row.tags)) set.add(tag);
        tags.set(row.name, set);
      }
      const value = [...tags].map(([name, set]) => ({ name, tags: [...set].sort() }));
      return { index: Math.max(1, writer.counter('services_index')), value };
    },
    service(name: string): KvRead<ServiceEntry[]> {
      return { index: nameIndex(name), value: entries(name) };
    },
    nodes(): KvRead<NodeRecord[]> {
      return { index: Math.max(1, writer.counter('nodes_index')), value: st.nodes.all().map(toNode) };
    },
    health(name: string, passing: boolean): KvRead<HealthEntry[]> {
      const value = entries(name)
        .map((e) => ({
          ...e,
          checks: [...st.nodeLevelChecks.all(e.node.node), ...st.checksOfService.all(e.node.node, e.service.id)].map(toCheck),
        }))
        .filter((e) => !passing || e.checks.every((c) => c.status === 'passing'));
      return { index: nameIndex(name), value };
    },
    nodeHealth(node: string): KvRead<CheckRecord[]> {
      const row = st.node.get(node);
      return { index: Math.max(1, row?.checks_index ?? 0), value: row ? st.checksOfNode.all(node).map(toCheck) : [] };
    },
  };
}
