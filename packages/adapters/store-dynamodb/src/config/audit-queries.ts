import { GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '@envmgr/domain';
import type { AuditQuery } from '@envmgr/ports';
import { withRetry } from '../dynamo-errors.js';
import { bucketOf, HEAD_KEY, toAuditRecord } from './encoding.js';
import type { ChainHead } from './transaction.js';
import { headOf, type Db } from './view.js';

export interface AuditDb extends Db {
  bucketSize: number;
}

/** The chain's head, read strongly consistent; undefined while the chain is empty. */
export async function readHead(db: Db): Promise<ChainHead | undefined> {
  const res = await withRetry(db.policy, 'read the audit chain', () => db.doc.send(new GetCommand({ TableName: db.names.audit, Key: HEAD_KEY, ConsistentRead: true })));
  return headOf(res.Item);
}

/** Records with `seq > afterSeq`, oldest first, bucket by bucket from the base table (strongly consistent). */
export async function auditChain(db: AuditDb, afterSeq: number, limit: number): Promise<AuditRecord[]> {
  const head = await readHead(db);
  const out: AuditRecord[] = [];
  if (!head || limit <= 0) return out;
  for (let b = bucketOf(afterSeq + 1, db.bucketSize); b <= bucketOf(head.seq, db.bucketSize) && out.length < limit; b++) {
    await queryPages(db, { TableName: db.names.audit, KeyConditionExpression: '#b = :b AND #s > :after', ExpressionAttributeNames: { '#b': 'Bucket', '#s': 'Seq' }, ExpressionAttributeValues: { ':b': b, ':after': afterSeq }, ConsistentRead: true, ScanIndexForward: true }, limit - out.length, out);
  }
  return out;
}

/**
 * Records matching `q`, newest first. A key or actor filter reads its global secondary index (eventually consistent,
 * as audit views may be); otherwise the base table is read bucket by bucket down from the head.
 */
export async function queryAudit(db: AuditDb, q: AuditQuery): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  if (q.limit <= 0) return out;
  const names: Record<string, string> = q.beforeSeq !== undefined ? { '#s': 'Seq' } : {};
  const values: Record<string, unknown> = {};
  const filters: string[] = [];
  const add = (field: string, op: string, value: unknown, attr: string) => {
    names[`#${field}`] = attr;
    values[`:${field}`] = value;
    filters.push(`#${field} ${op} :${field}`);
  };
  const before = q.beforeSeq !== undefined ? ' AND #s < :before' : '';
  if (q.beforeSeq !== undefined) values[':before'] = q.beforeSeq;
  let key: { index?: string; condition: string } | undefined;
  if (q.key !== undefined) {
    key = { index: 'byKey', condition: `#k = :k${before}` };
    names['#k'] = 'Key';
    values[':k'] = q.key;
  } else if (q.actor !== undefined) {
    key = { index: 'byActor', condition: `#a = :a${before}` };
    names['#a'] = 'Actor';
    values[':a'] = q.actor;
  }
  if (q.entityType !== undefined) add('type', '=', q.entityType, 'EntityType');
  if (q.actor !== undefined && q.key !== undefined) add('actor', '=', q.actor, 'Actor');
  if (q.version !== undefined) add('version', '=', q.version, 'Version');
  if (q.since !== undefined) add('since', '>=', q.since, 'At');
  if (q.until !== undefined) add('until', '<', q.until, 'At');
  const base = { TableName: db.names.audit, ScanIndexForward: false, ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}) };
  if (key) {
    await queryPages(db, { ...base, IndexName: key.index, KeyConditionExpression: key.condition, ExpressionAttributeNames: names, ExpressionAttributeValues: values }, q.limit, out);
    return out;
  }
  const head = await readHead(db);
  if (!head) return out;
  const top = q.beforeSeq !== undefined ? Math.min(q.beforeSeq - 1, head.seq) : head.seq;
  names['#b'] = 'Bucket';
  for (let b = bucketOf(top, db.bucketSize); b >= 0 && out.length < q.limit; b--) {
    const input = { ...base, KeyConditionExpression: `#b = :b${before}`, ExpressionAttributeNames: names, ExpressionAttributeValues: { ...values, ':b': b }, ConsistentRead: true };
    await queryPages(db, input, q.limit - out.length, out);
  }
  return out;
}

/** Runs a query page after page, appending records to `out` until `limit` of them or the end. */
async function queryPages(db: Db, input: QueryCommandInput, limit: number, out: AuditRecord[]): Promise<void> {
  const target = out.length + limit;
  let start: Record<string, unknown> | undefined;
  do {
    // without a filter every row read is returned, so read no more than needed
    const page = await withRetry(db.policy, 'read the audit chain', () =>
      db.doc.send(new QueryCommand({ ...input, ...(input.FilterExpression ? {} : { Limit: target - out.length }), ExclusiveStartKey: start })),
    );
    for (const row of page.Items ?? []) {
      if (out.length >= target) return;
      out.push(toAuditRecord(row));
    }
    start = page.LastEvaluatedKey;
  } while (start && out.length < target);
}
