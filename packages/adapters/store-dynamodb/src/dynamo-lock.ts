import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock, Lock, LockLease } from '@envmgr/ports';
import { resolvePolicy, withRetry, type RetryPolicy } from './dynamo-errors.js';
import { tableNames } from './tables.js';

export interface DynamoLockOptions {
  client: DynamoDBClient;
  /** Time of the leases. Servers sharing a lock need clocks that agree to well within the lease (NTP). */
  clock: Clock;
  /** Prepended to the table name (docs/aws.md#storage). @default '' */
  tablePrefix?: string;
  retry?: RetryPolicy;
}

/**
 * A leased leader lock in the locks table, one row per name: `Holder`, `ExpiresAtMs` and `Token`, a fencing token
 * that grows by one with every acquisition, so a store that records the token can refuse a former holder's late
 * writes. Every change is one conditional write, so concurrent servers cannot both win.
 */
export function createDynamoLock(opts: DynamoLockOptions): Lock {
  const doc = DynamoDBDocumentClient.from(opts.client);
  const policy = resolvePolicy(opts.retry);
  const TableName = tableNames(opts.tablePrefix).locks;
  const names = { '#h': 'Holder', '#e': 'ExpiresAtMs' };

  return {
    async tryAcquire(name, holder, ttlMs): Promise<LockLease> {
      const now = opts.clock.now();
      try {
        await withRetry(policy, `take the lock '${name}'`, () =>
          doc.send(
            new UpdateCommand({
              TableName,
              Key: { Name: name },
              UpdateExpression: 'SET #h = :h, #e = :e ADD #t :one',
              ConditionExpression: 'attribute_not_exists(#h) OR #h = :h OR #e <= :now',
              ExpressionAttributeNames: { ...names, '#t': 'Token' },
              ExpressionAttributeValues: { ':h': holder, ':e': now + ttlMs, ':now': now, ':one': 1 },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          ),
        );
        return { acquired: true, holder, expiresAtMs: now + ttlMs };
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
        // the condition failed, so a row with another unexpired holder exists; it says who and until when
        const item = err.Item ?? {};
        return { acquired: false, holder: item.Holder?.S ?? 'unknown', expiresAtMs: Number(item.ExpiresAtMs?.N ?? now) };
      }
    },
    async renew(name, holder, ttlMs) {
      const now = opts.clock.now();
      return conditional(() =>
        withRetry(policy, `renew the lock '${name}'`, () =>
          doc.send(
            new UpdateCommand({
              TableName,
              Key: { Name: name },
              UpdateExpression: 'SET #e = :e',
              ConditionExpression: '#h = :h AND #e > :now',
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: { ':h': holder, ':e': now + ttlMs, ':now': now },
            }),
          ),
        ),
      );
    },
    async release(name, holder) {
      // the row (and its token) stays, so fencing tokens keep growing across releases
      await conditional(() =>
        withRetry(policy, `release the lock '${name}'`, () =>
          doc.send(
            new UpdateCommand({
              TableName,
              Key: { Name: name },
              UpdateExpression: 'SET #e = :zero',
              ConditionExpression: '#h = :h',
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: { ':h': holder, ':zero': 0 },
            }),
          ),
        ),
      );
    },
  };
}

/** True when the write happened, false when its condition failed. */
async function conditional(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

