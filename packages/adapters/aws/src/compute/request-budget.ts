import type { Clock } from '@envmgr/ports';
import type { AwsClients } from './aws-reads.js';

/** A request budget: at most `perSecond` calls a second on average, with bursts of up to `burst`. */
export interface RequestBudget {
  perSecond: number;
  /** @default perSecond */
  burst?: number;
}

/**
 * A token bucket: `take()` resolves when a call may go out. AWS throttles each account's API separately, so every
 * account gets its own bucket and a slow account never delays the others.
 */
export function createTokenBucket(budget: RequestBudget, clock: Clock, sleep: (ms: number) => Promise<void>): { take(): Promise<void> } {
  const burst = budget.burst ?? budget.perSecond;
  let tokens = burst;
  let last = clock.now();
  let queue = Promise.resolve();
  const refill = (): void => {
    const now = clock.now();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * budget.perSecond);
    last = now;
  };
  const takeOne = async (): Promise<void> => {
    refill();
    if (tokens < 1) {
      await sleep(Math.ceil(((1 - tokens) / budget.perSecond) * 1000));
      refill();
    }
    tokens -= 1;
  };
  return {
    // callers queue, so that the bucket is never overdrawn by waiters waking together
    take() {
      const turn = queue.then(takeOne);
      queue = turn.catch(() => undefined);
      return turn;
    },
  };
}

/** Clients whose every call waits for the bucket and is counted. */
export function budgetedClients(c: AwsClients, bucket: { take(): Promise<void> }, onCall: () => void): AwsClients {
  const wrap = <S extends { send: (...args: never[]) => Promise<unknown> }>(client: S): S =>
    ({
      send: async (...args: Parameters<S['send']>) => {
        await bucket.take();
        onCall();
        return client.send(...args);
      },
    }) as unknown as S;
  return { account: c.account, ec2: wrap(c.ec2), autoScaling: wrap(c.autoScaling) };
}
