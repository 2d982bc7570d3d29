import type { Actor } from '@envmgr/domain';
import type { Clock, ConfigStore, CredentialStore, Hasher } from '@envmgr/ports';

/** Ports the configuration use cases need. */
export interface ConfigDeps {
  store: ConfigStore;
  clock: Clock;
  hasher: Hasher;
  /** When given, deleting a user also deletes their password and revokes their API tokens. */
  credentials?: CredentialStore;
}

/** Who asks, and the id of the request, carried into every audit record it causes. */
export interface RequestContext {
  actor: Actor;
  requestId: string;
}
