export * from './replication-schemas.js';
export { createReplicationApi, type ReplicationApi } from './replication-client.js';
