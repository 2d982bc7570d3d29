import type { ReplicationDeps } from '@envmgr/app';
import type { HttpLogger } from '@envmgr/http';
import type { AccountCredentials, BlobStore, Clock, ConfigStore, Lock } from '@envmgr/ports';
import type { ServerConfig } from '../config.js';
import { parseEndpoints, replicaTargets } from './replica-targets.js';
import { startReplicationLoop, type ReplicationLoop } from './replication-loop.js';

type ReplicationConfig = Pick<ServerConfig, 'replication' | 'replicationIntervalMs' | 'replicationEndpoints' | 'awsRegion' | 'tablePrefix'>;

/**
 * Replication to child accounts (docs/backup-and-replication.md#replication-to-child-accounts) when
 * ENVMGR_REPLICATION is on: the deps of its routes and the loop. Undefined when it is off.
 */
export function startConfiguredReplication(
  config: ReplicationConfig,
  deps: { store: ConfigStore; blobs: BlobStore; clock: Clock; credentials: AccountCredentials | undefined },
  opts: { lock: Lock; logger: HttpLogger },
): { deps: ReplicationDeps; loop: ReplicationLoop } | undefined {
  if (config.replication === 'off') return undefined;
  const targets = replicaTargets({
    store: deps.store,
    region: config.awsRegion ?? '',
    tablePrefix: config.tablePrefix,
    endpoints: parseEndpoints(config.replicationEndpoints),
    ...(deps.credentials ? { credentials: deps.credentials } : {}),
  });
  const replicationDeps: ReplicationDeps = { store: deps.store, blobs: deps.blobs, clock: deps.clock, targets };
  return { deps: replicationDeps, loop: startReplicationLoop(replicationDeps, { ...opts, intervalMs: config.replicationIntervalMs }) };
}
