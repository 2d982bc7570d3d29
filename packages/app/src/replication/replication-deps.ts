import type { BlobStore, Clock, ConfigStore } from '@envmgr/ports';
import type { EntityType } from '@envmgr/domain';

/**
 * The common tables copied into every child account (SPEC §10: clusters, environment types, services, deployment
 * maps, environments and their ops records), plus notification settings, which clusters and environments refer to.
 * In ENTITY_TYPES order: a referenced type comes before the types that refer to it.
 */
export const REPLICATED_TYPES: readonly EntityType[] = [
  'notification-settings',
  'clusters',
  'environment-types',
  'services',
  'deployment-maps',
  'environments',
  'environment-ops',
];

/** The actor of the replicas' audit records. */
export const REPLICATION_ACTOR = 'system:replication';

/** One child account to replicate into. */
export interface ReplicaTarget {
  /** The 12-digit account. */
  account: string;
  /**
   * Opens the account's configuration store (through its assumed-role credentials in AWS). Called once per pass;
   * the pass closes what it opened. Throws like the Credentials port when the role cannot be assumed.
   */
  open(): Promise<ConfigStore>;
}

/** What the replication use cases work with. */
export interface ReplicationDeps {
  /** The master's configuration: the source of every copy. */
  store: ConfigStore;
  /** Where the job keeps each account's replication status (`replication/status.json`), read by any server. */
  blobs: BlobStore;
  clock: Clock;
  /** The child accounts to replicate into, read at each pass (accounts can be registered at any time). */
  targets(): Promise<ReplicaTarget[]>;
}
