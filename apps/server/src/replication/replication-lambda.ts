import { createReplicationJob, type ReplicationDeps, type ReplicationJobResult } from '@envmgr/app';
import type { Lock } from '@envmgr/ports';

/** The parts of the Lambda context the handler reads. */
export interface ReplicationLambdaContext {
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

export type ReplicationHandler = (event: unknown, context: ReplicationLambdaContext) => Promise<ReplicationJobResult>;

/**
 * Replication as an AWS Lambda handler (SPEC §2: "Lambdas: ... replication to children"), invoked by an EventBridge
 * schedule: one pass per invocation, behind the same lock as the servers' loop, so passes never overlap. `deps`
 * come from the Lambda's composition root (`replicaTargets` with the Credentials port for the accounts).
 */
export function createReplicationHandler(deps: () => ReplicationDeps | Promise<ReplicationDeps>, opts: { lock: Lock }): ReplicationHandler {
  return async (_event, context) => {
    const job = createReplicationJob(await deps(), { lock: opts.lock, holder: `lambda-${context.awsRequestId}`, leaseMs: context.getRemainingTimeInMillis() });
    return job.run();
  };
}
