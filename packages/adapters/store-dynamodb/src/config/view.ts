import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DependencyUnavailableError, type EntityRef, type EntityType, type StoreView } from '@envmgr/domain';
import type { ConfigChange } from '@envmgr/ports';
import { backoffMs, withRetry, type ResolvedRetryPolicy } from '../dynamo-errors.js';
import type { TableNames } from '../tables.js';
import { HEAD_KEY, idOf, ordOf, refOf, toStoredItem, type Row, type StoredItem } from './encoding.js';
import type { ChainHead } from './transaction.js';

export interface Db {
  doc: DynamoDBDocumentClient;
  names: TableNames;
  policy: ResolvedRetryPolicy;
}

/** The store before a batch, read ahead so that `planCommit` can ask it synchronously. */
export interface PrefetchedView extends StoreView {
  stored(ref: EntityRef): StoredItem | undefined;
}

/**
 * Reads, in one BatchGetItem where it fits, the chain head and everything `planCommit` may ask about `changes`: the
 * changed items and the targets of their references, and the holders of the claims; plus the referrers of deleted
 * items. Reads are strongly consistent; they may still straddle a concurrent commit, which the commit's condition
 * on the head (read here too) then catches.
 */
export async function prefetchView(db: Db, changes: readonly ConfigChange[]): Promise<{ view: PrefetchedView; head: ChainHead | undefined }> {
  const wanted = new Map<string, EntityRef>();
  const claims = new Set<string>();
  for (const c of changes) {
    wanted.set(idOf(c), { type: c.type, key: c.key });
    if (c.op === 'delete') continue;
    for (const r of c.references) wanted.set(idOf(r), { type: r.type, key: r.key });
    for (const u of c.uniques) claims.add(u.value);
  }
  const touched = new Set(changes.map(idOf)).size;
  const deletes = [...new Map(changes.filter((c) => c.op === 'delete').map((c) => [idOf(c), { type: c.type, key: c.key }])).values()];
  const keys = [
    { table: db.names.audit, key: { ...HEAD_KEY } },
    ...[...wanted.values()].map((r) => ({ table: db.names.item(r.type), key: { Family: r.type, Ord: ordOf(r.key) } })),
    ...[...claims].map((c) => ({ table: db.names.uniques, key: { Claim: c } })),
  ];
  const [rows, referrers] = await Promise.all([
    batchGet(db, keys),
    Promise.all(deletes.map(async (d) => [idOf(d), await queryReferrers(db, d, touched + 5)] as const)),
  ]);
  const items = new Map<string, StoredItem>();
  const holders = new Map<string, EntityRef>();
  let head: ChainHead | undefined;
  for (const { table, row } of rows) {
    if (table === db.names.audit) head = headOf(row);
    else if (table === db.names.uniques) holders.set(String(row.Claim), refOf(`${String(row.Type)}/${String(row.Key)}`));
    else {
      const item = toStoredItem(row.Family as EntityType, row);
      items.set(idOf(item), item);
    }
  }
  const referrerMap = new Map(referrers);
  const view: PrefetchedView = {
    get: (type, key) => items.get(idOf({ type, key })),
    stored: (ref) => items.get(idOf(ref)),
    referrers: (target, limit) => (referrerMap.get(idOf(target)) ?? []).slice(0, limit),
    uniqueHolder: (value) => holders.get(value),
  };
  return { view, head };
}

export function headOf(row: Row | undefined): ChainHead | undefined {
  if (!row || typeof row.HeadSeq !== 'number' || typeof row.HeadHash !== 'string') return undefined;
  return { seq: row.HeadSeq, hash: row.HeadHash };
}

export async function queryReferrers(db: Db, target: EntityRef, limit: number): Promise<EntityRef[]> {
  const out: EntityRef[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await withRetry(db.policy, 'read the references of an item', () =>
      db.doc.send(
        new QueryCommand({
          TableName: db.names.references,
          KeyConditionExpression: '#t = :t',
          ExpressionAttributeNames: { '#t': 'Target' },
          ExpressionAttributeValues: { ':t': idOf(target) },
          ConsistentRead: true,
          Limit: limit - out.length,
          ExclusiveStartKey: start,
        }),
      ),
    );
    for (const row of page.Items ?? []) out.push(refOf(String(row.Source)));
    start = page.LastEvaluatedKey;
  } while (start && out.length < limit);
  return out;
}

/** BatchGetItem in requests of 100 keys, retrying the keys DynamoDB leaves unprocessed when it is busy. */
async function batchGet(db: Db, keys: { table: string; key: Row }[]): Promise<{ table: string; row: Row }[]> {
  const out: { table: string; row: Row }[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let request: Record<string, { Keys: Row[]; ConsistentRead: boolean }> = {};
    for (const { table, key } of keys.slice(i, i + 100)) (request[table] ??= { Keys: [], ConsistentRead: true }).Keys.push(key);
    for (let attempt = 1; Object.keys(request).length > 0; attempt++) {
      const res = await withRetry(db.policy, 'read configuration items', () => db.doc.send(new BatchGetCommand({ RequestItems: request })));
      for (const [table, rows] of Object.entries(res.Responses ?? {})) for (const row of rows) out.push({ table, row });
      request = (res.UnprocessedKeys ?? {}) as typeof request;
      if (Object.keys(request).length === 0) break;
      if (attempt >= db.policy.maxAttempts) throw new DependencyUnavailableError('DynamoDB kept throttling the reads of configuration items; retry later or raise the tables\' capacity');
      await db.policy.sleep(backoffMs(db.policy, attempt));
    }
  }
  return out;
}
