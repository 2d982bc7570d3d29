import { TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { DependencyUnavailableError, planCommit, type ConfigItem, type EntityType } from '@envmgr/domain';
import type { ChangeContext, CommitResult, ConfigChange, ConfigStore, ListQuery } from '@envmgr/ports';
import { auditChain, queryAudit, type AuditDb } from './config/audit-queries.js';
import { ordOf, toItem } from './config/encoding.js';
import { buildCommit, checkItemSizes, checkTransactionLimits } from './config/transaction.js';
import { prefetchView, queryReferrers } from './config/view.js';
import { backoffMs, isThrottling, resolvePolicy, THROTTLED_REASONS, translate, withRetry, type RetryPolicy } from './dynamo-errors.js';
import { tableNames } from './tables.js';

export interface DynamoConfigStoreOptions {
  client: DynamoDBClient;
  /** Prepended to every table name (docs/aws.md#storage). @default '' */
  tablePrefix?: string;
  /** Back-off of throttled requests. */
  retry?: RetryPolicy;
  /**
   * How many times a commit is planned again after another commit changed the store first (the chain head moved)
   * before it fails with `DependencyUnavailableError`. @default 200
   */
  maxCommitAttempts?: number;
  /** Consecutive audit seqs per partition of the audit table. Changing it for an existing table breaks reads. @default 10000 */
  auditBucketSize?: number;
  /** Waits between retries; tests may replace it. @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * A ConfigStore on DynamoDB (SPEC §10): one table per entity family, a references table, a claims table and the
 * hash-chained audit table. A commit reads the chain head, plans the batch with `planCommit` on strongly consistent
 * reads, and writes the items, their side rows, the audit records and the new head in one TransactWriteItems whose
 * condition on the head makes concurrent commits (of any number of servers) serialise into one chain: a loser plans
 * again on the new state, so a stale `expectedVersion` becomes a `VersionConflictError` and nothing is lost.
 * A batch that does not fit in one transaction is refused (`too-large`), never split.
 */
export function createDynamoConfigStore(opts: DynamoConfigStoreOptions): ConfigStore {
  const doc = DynamoDBDocumentClient.from(opts.client, { marshallOptions: { removeUndefinedValues: true } });
  const policy = resolvePolicy(opts.retry, opts.sleep);
  const db: AuditDb = { doc, names: tableNames(opts.tablePrefix), policy, bucketSize: opts.auditBucketSize ?? 10_000 };
  const maxCommitAttempts = opts.maxCommitAttempts ?? 200;
  const queue = serialQueue();

  return {
    async get(type, key) {
      const res = await withRetry(policy, `read ${type} '${key}'`, () =>
        doc.send(new GetCommand({ TableName: db.names.item(type), Key: { Family: type, Ord: ordOf(key) }, ConsistentRead: true })),
      );
      return res.Item ? toItem(type, res.Item) : undefined;
    },
    list: (type, q) => listItems(db, type, q),
    referrers: (target, limit) => queryReferrers(db, target, limit),
    async commit(changes, ctx) {
      checkItemSizes(changes);
      if (changes.length === 0) return { items: [], audit: [] };
      return queue(() => commitWithRetries(changes, ctx));
    },
    queryAudit: (q) => queryAudit(db, q),
    auditChain: (afterSeq, limit) => auditChain(db, afterSeq, limit),
    async close() {
      // the client belongs to the caller, who may share it between stores
    },
  };

  async function commitWithRetries(changes: ConfigChange[], ctx: ChangeContext): Promise<CommitResult> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await tryCommit(db, changes, ctx);
      if (outcome.done) return outcome.result;
      if (outcome.throttled ? attempt >= policy.maxAttempts : attempt >= maxCommitAttempts) {
        throw new DependencyUnavailableError(
          outcome.throttled
            ? 'DynamoDB kept throttling the configuration commit; retry later or raise the tables\' capacity'
            : `the configuration store is too busy: ${attempt} attempts lost to concurrent commits; retry`,
          {},
          { cause: outcome.cause },
        );
      }
      // throttled: back off exponentially; a race lost to another server: back off briefly with jitter, so that
      // contending servers spread out, and plan again on the new state
      await policy.sleep(outcome.throttled ? backoffMs(policy, attempt) : Math.random() * Math.min(250, 10 * 2 ** Math.min(attempt, 5)));
    }
  }
}

/**
 * Runs tasks one after another. Commits of one process all move the same chain head, so running them concurrently
 * would only make all but one fail and plan again; queued, they cost one transaction each.
 */
function serialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

type Attempt = { done: true; result: CommitResult } | { done: false; throttled: boolean; cause: unknown };

async function tryCommit(db: AuditDb, changes: ConfigChange[], ctx: ChangeContext): Promise<Attempt> {
  const { view, head } = await prefetchView(db, changes);
  const plan = planCommit(changes, view);
  if (!plan.ok) throw plan.error;
  const { actions, result } = buildCommit({ names: db.names, bucketSize: db.bucketSize, changes, writes: plan.writes, stored: (ref) => view.stored(ref), head, ctx });
  checkTransactionLimits(actions, changes.length);
  try {
    await db.doc.send(new TransactWriteCommand({ TransactItems: actions }));
    return { done: true, result };
  } catch (err) {
    if (err instanceof TransactionCanceledException) {
      // a failed condition means another commit got in first (all commits move the head): plan again
      const throttled = (err.CancellationReasons ?? []).some((r) => THROTTLED_REASONS.has(r.Code ?? ''));
      return { done: false, throttled, cause: err };
    }
    if (err instanceof Error && (err.name === 'TransactionConflictException' || err.name === 'TransactionInProgressException')) return { done: false, throttled: false, cause: err };
    if (isThrottling(err)) return { done: false, throttled: true, cause: err };
    throw translate(err, 'commit configuration changes');
  }
}

async function listItems(db: AuditDb, type: EntityType, q: ListQuery): Promise<ConfigItem[]> {
  const out: ConfigItem[] = [];
  if (q.limit <= 0) return out;
  const names: Record<string, string> = { '#f': 'Family' };
  const values: Record<string, unknown> = { ':f': type };
  let condition = '#f = :f';
  // keys are never empty, so every key is after ''
  if (q.after !== undefined && q.after !== '') {
    names['#o'] = 'Ord';
    values[':after'] = ordOf(q.after);
    condition += ' AND #o > :after';
  }
  const filters = Object.entries(q.filter ?? {}).map(([attr, value], i) => {
    names['#i'] = 'Indexes';
    names[`#x${i}`] = attr;
    values[`:x${i}`] = value;
    return `#i.#x${i} = :x${i}`;
  });
  const input: QueryCommandInput = {
    TableName: db.names.item(type),
    KeyConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ConsistentRead: true,
    ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
  };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await withRetry(db.policy, `list ${type}`, () =>
      db.doc.send(new QueryCommand({ ...input, ...(filters.length ? {} : { Limit: q.limit - out.length }), ExclusiveStartKey: start })),
    );
    for (const row of page.Items ?? []) if (out.length < q.limit) out.push(toItem(type, row));
    start = page.LastEvaluatedKey;
  } while (start && out.length < q.limit);
  return out;
}
