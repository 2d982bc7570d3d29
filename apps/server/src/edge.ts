import { createEdgeRouter, type EdgeRouter } from '@envmgr/adapter-edge-router';
import { loadRoutingTable, ROUTING_TYPES } from '@envmgr/app';
import { DependencyUnavailableError } from '@envmgr/domain';
import type { HttpLogger } from '@envmgr/http';
import type { ServerConfig } from './config.js';
import type { Server } from './compose.js';

const ROUTING = new Set<string>(ROUTING_TYPES);

/**
 * The built-in edge router of the embedded mode on loopback port ENVMGR_EDGE_PORT (none with `off`). It reads LB
 * settings, upstreams and services from the config store, hears of their changes through the store's commit
 * announcements (so a toggle applies at once), and finds instances in the built-in registry by blocking queries.
 */
export async function startEdgeRouter(server: Server, config: ServerConfig, logger: HttpLogger): Promise<EdgeRouter | undefined> {
  if (config.edgePort === 'off') return undefined;
  const port = config.edgePort;
  const router = await createEdgeRouter({
    registry: server.registry,
    port,
    loadRoutes: () => loadRoutingTable({ store: server.store }),
    subscribeToChanges: (listener) => server.configChanges.subscribe((types) => [...types].some((t) => ROUTING.has(t)) && listener()),
    logger,
  }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    throw new DependencyUnavailableError(`the edge router's port ${port} is in use; set ENVMGR_EDGE_PORT to another port, 0 for a free one, or off`, { port }, { cause: err });
  });
  // bound late, like compute: canaries judge the new slice's error rate by what this router counted
  server.deploymentDeps.traffic = router.traffic;
  return router;
}
