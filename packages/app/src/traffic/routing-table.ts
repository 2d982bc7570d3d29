import { buildRoutingTable, readUpstream, type RoutingTable } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';
import { listAllItems } from './load-traffic.js';

/**
 * The routing table of an edge router: every LB setting, upstream and service of the configuration (the built-in
 * router of the embedded mode serves every environment). Read as one snapshot per call; no permission applies, as
 * it is the server's own reading.
 */
export async function loadRoutingTable(deps: { store: ConfigStore }): Promise<RoutingTable> {
  const [lbSettings, upstreams, services] = await Promise.all([
    listAllItems(deps.store, 'lb-settings'),
    listAllItems(deps.store, 'upstreams'),
    listAllItems(deps.store, 'services'),
  ]);
  return buildRoutingTable({
    lbSettings: lbSettings.map((i) => i.data),
    upstreams: upstreams.flatMap((i) => readUpstream(i) ?? []),
    services: services.map((i) => i.data),
  });
}

/** The configuration types whose changes change a routing table (an environment's delete removes its LB settings). */
export const ROUTING_TYPES = ['lb-settings', 'upstreams', 'services', 'environments'] as const;
