import type { AdvanceSettings } from '@envmgr/domain';
import type { Clock, Compute, ConfigStore, DeploymentStore, EventBus, IdSource, PackageStore, Registry } from '@envmgr/ports';

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
  /** Timeouts of the state machine; EM's defaults when omitted. */
  settings?: AdvanceSettings;
}
