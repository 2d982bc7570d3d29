import { createBackupJob, type BackupDeps, type BackupJobResult } from '@envmgr/app';
import type { Lock } from '@envmgr/ports';

/** The parts of the Lambda context the handler reads. */
export interface BackupLambdaContext {
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

export type BackupHandler = (event: unknown, context: BackupLambdaContext) => Promise<BackupJobResult>;

/**
 * The nightly backup as an AWS Lambda handler (SPEC §2: "Lambdas: nightly backup to S3"), invoked by an EventBridge
 * schedule at the backup time: one backup per invocation, behind the same lock as the servers' loop, so a server
 * running the loop as well never makes a second one at once. `deps` come from the Lambda's composition root.
 */
export function createBackupHandler(deps: () => BackupDeps | Promise<BackupDeps>, opts: { lock: Lock }): BackupHandler {
  return async (_event, context) => {
    const job = createBackupJob(await deps(), {
      lock: opts.lock,
      holder: `lambda-${context.awsRequestId}`,
      timeOfDayMs: 0,
      leaseMs: context.getRemainingTimeInMillis(),
    });
    return job.runNow();
  };
}
