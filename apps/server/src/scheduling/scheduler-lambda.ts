import { createSchedulerPass, type SchedulerOptions, type SchedulerRunResult, type SchedulingDeps } from '@envmgr/app';

/** The parts of an EventBridge scheduled event the handler reads; options may ride in `detail`. */
export interface SchedulerEvent {
  time?: string;
  detail?: {
    /** EM's `WHAT_IF`. */
    whatIf?: boolean;
    /** EM's `LIMIT_TO_ENVIRONMENT`, a regular expression. */
    limitToEnvironment?: string;
  };
}

/** The parts of the Lambda context the handler reads. */
export interface SchedulerLambdaContext {
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

export type SchedulerHandler = (event: SchedulerEvent, context: SchedulerLambdaContext) => Promise<SchedulerRunResult>;

/**
 * The scheduler as an AWS Lambda handler (ARCHITECTURE §1: jobs run in-process or as Lambda handlers): one pass per
 * invocation, on the same code as the server's loop, behind the same lock. It stops starting new work when less
 * than `reserveMs` of the invocation is left (the rest is deferred to the next invocation) and gives the lock up at
 * the end. `deps` come from the Lambda's composition root (the AWS adapters, once they exist).
 */
export function createSchedulerHandler(
  deps: () => SchedulingDeps | Promise<SchedulingDeps>,
  opts: Pick<SchedulerOptions, 'lock' | 'retry' | 'onFailure'> & { sleep: SchedulerOptions['sleep']; reserveMs?: number },
): SchedulerHandler {
  return async (event, context) => {
    const limit = event.detail?.limitToEnvironment;
    const pass = createSchedulerPass(await deps(), {
      lock: opts.lock,
      holder: `lambda-${context.awsRequestId}`,
      leaseMs: context.getRemainingTimeInMillis(),
      whatIf: event.detail?.whatIf === true,
      ...(limit !== undefined ? { limitToEnvironment: new RegExp(limit) } : {}),
      ...(opts.retry ? { retry: opts.retry } : {}),
      ...(opts.onFailure ? { onFailure: opts.onFailure } : {}),
      sleep: opts.sleep,
      shouldStop: () => context.getRemainingTimeInMillis() < (opts.reserveMs ?? 30_000),
    });
    try {
      return await pass.run();
    } finally {
      await pass.release();
    }
  };
}
