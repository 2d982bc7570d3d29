import { parseReply, type Send } from '../client/transport.js';
import { ReplicationRunSchema, ReplicationStatusSchema, type ReplicationRunDto, type ReplicationStatusDto } from './replication-schemas.js';

/** Replication to child accounts (docs/backup-and-replication.md#replication-to-child-accounts). */
export interface ReplicationApi {
  /** Each child account's replication state and lag; any signed-in user. */
  replicationStatus(): Promise<ReplicationStatusDto>;
  /** A replication pass now (administrators); `ran` is false when another server's pass runs instead. */
  replicateNow(): Promise<ReplicationRunDto>;
}

export function createReplicationApi(send: Send): ReplicationApi {
  return {
    async replicationStatus() {
      return parseReply(await send({ method: 'GET', path: 'replication' }), ReplicationStatusSchema);
    },
    async replicateNow() {
      return parseReply(await send({ method: 'POST', path: 'replication/run', body: {} }), ReplicationRunSchema);
    },
  };
}
