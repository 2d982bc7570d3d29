import type { AdvanceSettings } from '@envmgr/domain';
import type { Clock, Compute, ConfigStore, DeploymentStore, EventBus, IdSource, PackageStore, Registry, TrafficStats } from '@envmgr/ports';

/** Ports of the deployment use cases and the driver. */
export interface DeploymentDeps {
  config: { store: ConfigStore };
  packages: PackageStore;
  deployments: DeploymentStore;
  compute: Compute;
  /** The registry of the environments (embedded mode: the built-in one for every environment). */
  registry: Registry;
  events: EventBus;
  clock: Clock;
  /** Deployment ids. */
  ids: IdSource;
  /** The edge router's counts of each slice's answers, for canaries' error rates; without it health alone decides. */
  traffic?: TrafficStats;
  /** Timeouts of the state machine; EM's defaults when omitted. */
  settings?: AdvanceSettings;
}
