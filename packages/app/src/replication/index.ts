export { REPLICATED_TYPES, REPLICATION_ACTOR, type ReplicaTarget, type ReplicationDeps } from './replication-deps.js';
export { replicateAccount, type ReplicaPass } from './replicate-account.js';
export { REPLICATION_STATUS_KEY, replicationStatus, type AccountReplication, type AccountReplicationStatus } from './replication-status.js';
export { createReplicationJob, REPLICATION_LOCK, replicateNow, type ReplicationJob, type ReplicationJobOptions, type ReplicationJobResult } from './replication-job.js';
