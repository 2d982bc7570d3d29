import { TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, TransactWriteCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { AlreadyExistsError, DependencyUnavailableError } from '@envmgr/domain';
import type { LatestActionQuery, ScheduleActionLog, ScheduleActionQuery, ScheduleActionRecord } from '@envmgr/ports';
import { resolvePolicy, withRetry, type ResolvedRetryPolicy, type RetryPolicy } from './dynamo-errors.js';
import { tableNames } from './tables.js';

export interface DynamoScheduleActionLogOptions {
  client: DynamoDBClient;
  /** Prepended to the table name (docs/aws.md#storage). @default '' */
  tablePrefix?: string;
  retry?: RetryPolicy;
}

const LOG = 'log';
const pad = (ms: number) => String(Math.max(0, Math.floor(ms))).padStart(16, '0');
const sortKey = (r: { atMs: number; id: string }) => `${pad(r.atMs)}#${r.id}`;
/** DynamoDB's limit of items in one transaction; each record takes two (itself and its id claim). */
const RECORDS_PER_TRANSACTION = 50;

interface Db {
  doc: DynamoDBDocumentClient;
  table: string;
  policy: ResolvedRetryPolicy;
}

/**
 * The scheduler's action log in one table (docs/aws.md#storage): the records in the `log` partition, sorted by time
 * then id, and an `id#<id>` claim per record that makes ids unique. A batch is written in transactions of 50 records;
 * a batch of more is undone when a later transaction fails, so that it stores nothing of it (a server dying in the
 * middle of such a batch can leave part of it).
 */
export function createDynamoScheduleActionLog(opts: DynamoScheduleActionLogOptions): ScheduleActionLog {
  const db: Db = { doc: DynamoDBDocumentClient.from(opts.client), table: tableNames(opts.tablePrefix).scheduleActions, policy: resolvePolicy(opts.retry) };
  return {
    append: (records) => append(db, records),
    list: (q) => list(db, q),
    latestBefore: (q) => latestBefore(db, q),
    prune: (beforeMs) => prune(db, beforeMs),
    close: async () => undefined, // the client belongs to the composition root
  };
}

async function append(db: Db, records: readonly ScheduleActionRecord[]): Promise<void> {
  const seen = new Set<string>();
  for (const r of records) {
    if (seen.has(r.id)) throw new AlreadyExistsError('schedule action', r.id);
    seen.add(r.id);
  }
  const written: ScheduleActionRecord[] = [];
  for (let i = 0; i < records.length; i += RECORDS_PER_TRANSACTION) {
    const chunk = records.slice(i, i + RECORDS_PER_TRANSACTION);
    try {
      await write(db, chunk.flatMap((r) => [
        { Put: { TableName: db.table, Item: { Pk: `id#${r.id}`, Sk: '-', Key: sortKey(r) }, ConditionExpression: 'attribute_not_exists(Pk)' } },
        { Put: { TableName: db.table, Item: { Pk: LOG, Sk: sortKey(r), Record: JSON.stringify(r) } } },
      ]), 'record schedule actions');
    } catch (err) {
      await remove(db, written);
      if (!(err instanceof TransactionCanceledException)) throw err;
      const at = (err.CancellationReasons ?? []).findIndex((c) => c.Code === 'ConditionalCheckFailed');
      if (at < 0) throw new DependencyUnavailableError('DynamoDB refused to record schedule actions (throttled or contended); the scheduler retries them', {}, { cause: err });
      throw new AlreadyExistsError('schedule action', chunk[Math.floor(at / 2)]?.id ?? chunk[0]?.id ?? '');
    }
    written.push(...chunk);
  }
}

async function write(db: Db, items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>, what: string): Promise<void> {
  if (items.length === 0) return;
  await withRetry(db.policy, what, () => db.doc.send(new TransactWriteCommand({ TransactItems: items })));
}

/** Deletes records and their id claims, in transactions of 50. */
async function remove(db: Db, records: readonly { atMs: number; id: string }[]): Promise<void> {
  for (let i = 0; i < records.length; i += RECORDS_PER_TRANSACTION) {
    const chunk = records.slice(i, i + RECORDS_PER_TRANSACTION);
    await write(db, chunk.flatMap((r) => [
      { Delete: { TableName: db.table, Key: { Pk: `id#${r.id}`, Sk: '-' } } },
      { Delete: { TableName: db.table, Key: { Pk: LOG, Sk: sortKey(r) } } },
    ]), 'delete schedule actions');
  }
}

/** Reads the log in time order between two sort keys (inclusive), page by page, while `onRecord` returns true. */
async function scan(db: Db, range: { lo: string; hi: string }, onRecord: (r: ScheduleActionRecord) => boolean): Promise<void> {
  const input: QueryCommandInput = {
    TableName: db.table,
    KeyConditionExpression: 'Pk = :p AND Sk BETWEEN :lo AND :hi',
    ExpressionAttributeValues: { ':p': LOG, ':lo': range.lo, ':hi': range.hi },
    ConsistentRead: true,
  };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await withRetry(db.policy, 'read schedule actions', () => db.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start })));
    for (const row of page.Items ?? []) if (!onRecord(JSON.parse(String(row.Record)) as ScheduleActionRecord)) return;
    start = page.LastEvaluatedKey;
  } while (start);
}

async function list(db: Db, q: ScheduleActionQuery): Promise<ScheduleActionRecord[]> {
  const out: ScheduleActionRecord[] = [];
  if (q.limit <= 0) return out;
  const after = q.after ? sortKey(q.after) : undefined;
  const since = pad(q.sinceMs ?? 0);
  const lo = after !== undefined && after > since ? after : since;
  // keys of records at `untilMs` start with pad(untilMs) and sort after it: the bound is exclusive as it should be
  const hi = q.untilMs !== undefined ? pad(q.untilMs) : '~';
  const matches = (r: ScheduleActionRecord) =>
    sortKey(r) !== after &&
    (q.environment === undefined || r.environment === q.environment) &&
    (q.cluster === undefined || r.cluster === q.cluster) &&
    (q.subject === undefined || r.subject === q.subject) &&
    (q.outcome === undefined || r.outcome === q.outcome);
  await scan(db, { lo, hi }, (r) => {
    if (matches(r)) out.push(r);
    return out.length < q.limit;
  });
  return out;
}

/** Reads every record before `beforeMs` (the savings report asks rarely; prune keeps the log short). */
async function latestBefore(db: Db, q: LatestActionQuery): Promise<ScheduleActionRecord[]> {
  const latest = new Map<string, ScheduleActionRecord>();
  await scan(db, { lo: pad(0), hi: pad(q.beforeMs) }, (r) => {
    const wanted = r.outcome === 'done' && q.actions.includes(r.action) && (q.environment === undefined || r.environment === q.environment) && (q.cluster === undefined || r.cluster === q.cluster);
    // time order, then id: a later record of a subject replaces an earlier one
    if (wanted) latest.set(r.subject, r);
    return true;
  });
  return [...latest.values()].sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
}

async function prune(db: Db, beforeMs: number): Promise<number> {
  const old: ScheduleActionRecord[] = [];
  await scan(db, { lo: pad(0), hi: pad(beforeMs) }, (r) => (old.push(r), true));
  // per subject and action the latest done record stays, whatever its age: later reports start from it
  const kept = new Map<string, string>();
  for (const r of old) if (r.outcome === 'done') kept.set(JSON.stringify([r.subject, r.action]), r.id);
  const doomed = old.filter((r) => kept.get(JSON.stringify([r.subject, r.action])) !== r.id);
  await remove(db, doomed);
  return doomed.length;
}
