import type { Actor } from '@envmgr/domain';
import type { Clock, ConfigStore, Hasher } from '@envmgr/ports';

/** Ports the configuration use cases need. */
export interface ConfigDeps {
  store: ConfigStore;
  clock: Clock;
  hasher: Hasher;
}

/** Who asks, and the id of the request, carried into every audit record it causes. */
export interface RequestContext {
  actor: Actor;
  requestId: string;
}
