import type { DeploymentStore, EventBus, Registry } from '@envmgr/ports';
import type { ConfigDeps } from '../context.js';

/** Ports of traffic switching (SPEC §7): upstreams in the configuration, health in the registry, deployments in progress. */
export interface TrafficDeps {
  /** Upstreams, services and environments; a toggle is one audited, conditional commit of upstreams. */
  config: ConfigDeps;
  /** Which instances of a slice pass their health checks (a toggle refuses a slice without any). */
  registry: Registry;
  /** A deployment of the service to the environment in progress refuses a toggle. */
  deployments: DeploymentStore;
  /** Toggles are announced here (`traffic.toggled`). */
  events: EventBus;
}
