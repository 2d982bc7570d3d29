import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import {
  auditDigestMaterial,
  auditRecordBody,
  ENTITIES,
  RefusedError,
  type AuditRecord,
  type ConfigItem,
  type PlannedWrite,
} from '@envmgr/domain';
import type { ChangeContext, CommitResult, ConfigChange } from '@envmgr/ports';
import type { TableNames } from '../tables.js';
import { auditRow, HEAD_KEY, idOf, itemRow, ordOf, parseObject, type StoredItem } from './encoding.js';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** DynamoDB's limits on one TransactWriteItems request. */
export const MAX_TRANSACTION_ACTIONS = 100;
export const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;
/**
 * Largest item (its JSON) the store accepts. DynamoDB items are at most 400 KB and an audit record holds the item
 * before and after a change, so each side must stay under half of that.
 */
export const MAX_ITEM_BYTES = 180 * 1024;

export interface ChainHead {
  seq: number;
  hash: string;
}

interface Touched {
  stored: StoredItem | undefined;
  final: ConfigItem | undefined;
  /** The last create or update of the item in the batch: its references, claims and indexes are the ones kept. */
  last: Extract<ConfigChange, { op: 'create' | 'update' }> | undefined;
}

/** Refuses an item too large to store with its audit record, before anything is read or written. */
export function checkItemSizes(changes: readonly ConfigChange[]): void {
  for (const c of changes) {
    if (c.op === 'delete') continue;
    const bytes = Buffer.byteLength(JSON.stringify(c.data));
    if (bytes > MAX_ITEM_BYTES) {
      throw new RefusedError('too-large', 'too-large', `${ENTITIES[c.type].label} '${c.key}' is ${bytes} bytes as JSON; the DynamoDB store keeps items of at most ${MAX_ITEM_BYTES} bytes; make it smaller`, {
        limitBytes: MAX_ITEM_BYTES,
      });
    }
  }
}

/**
 * The writes of one planned batch as a single TransactWriteItems: each item written once (a batch may change an
 * item twice), the reference and claim rows it gains or loses, one audit record per change, and the chain head.
 * Every item, audit record and the head carry a condition, and the head's (its seq unchanged since the batch was
 * planned) serialises all commits, so the side rows need none of their own.
 */
export function buildCommit(input: {
  names: TableNames;
  bucketSize: number;
  changes: readonly ConfigChange[];
  writes: readonly PlannedWrite[];
  stored: (ref: { type: ConfigChange['type']; key: string }) => StoredItem | undefined;
  head: ChainHead | undefined;
  ctx: ChangeContext;
}): { actions: TransactItem[]; result: CommitResult } {
  const { names, changes, writes } = input;
  const touched = new Map<string, Touched>();
  changes.forEach((c, i) => {
    const id = idOf(c);
    const t = touched.get(id) ?? { stored: input.stored(c), final: undefined, last: undefined };
    t.final = writes[i]?.after;
    if (c.op !== 'delete') t.last = c;
    touched.set(id, t);
  });
  const dataTexts = new Map<string, string>();
  const actions: TransactItem[] = [];
  for (const [id, t] of touched) actions.push(...itemActions(names, id, t, dataTexts));
  actions.push(...claimActions(names, touched));
  const { records, auditActions } = auditOf(input);
  actions.push(...auditActions);
  actions.push(headAction(names, input.head, records.at(-1)));
  const items = changes.map((c, i) => {
    const after = writes[i]?.after;
    return after ? { ...after, data: parseObject(dataTexts.get(idOf(c)) ?? JSON.stringify(after.data), 'an item') } : undefined;
  });
  return { actions, result: { items, audit: records } };
}

function itemActions(names: TableNames, id: string, t: Touched, dataTexts: Map<string, string>): TransactItem[] {
  const table = names.item((t.final ?? t.stored ?? { type: 'accounts' as const }).type);
  const out: TransactItem[] = [];
  const oldRefs = new Set(t.stored?.refs ?? []);
  const newRefs = new Set(t.final && t.last ? t.last.references.map(idOf) : []);
  if (t.final && t.last) {
    const dataText = JSON.stringify(t.final.data);
    dataTexts.set(id, dataText);
    const row = itemRow(t.final.type, t.final.key, { dataText, version: t.final.version, indexes: t.last.indexes, refs: [...newRefs], uniques: [...new Set(t.last.uniques.map((u) => u.value))] });
    out.push({ Put: { TableName: table, Item: row, ...versionCondition(t.stored) } });
  } else if (t.stored) {
    out.push({ Delete: { TableName: table, Key: { Family: t.stored.type, Ord: ordOf(t.stored.key) }, ...versionCondition(t.stored) } });
  }
  for (const target of oldRefs) if (!newRefs.has(target)) out.push({ Delete: { TableName: names.references, Key: { Target: target, Source: id } } });
  for (const target of newRefs) if (!oldRefs.has(target)) out.push({ Put: { TableName: names.references, Item: { Target: target, Source: id } } });
  return out;
}

function versionCondition(stored: StoredItem | undefined): { ConditionExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } {
  return stored
    ? { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'Version' }, ExpressionAttributeValues: { ':v': stored.version } }
    : { ConditionExpression: 'attribute_not_exists(#f)', ExpressionAttributeNames: { '#f': 'Family' } };
}

/** Claim rows: all released claims first, then the taken ones, so a claim can move between items of the batch. */
function claimActions(names: TableNames, touched: Map<string, Touched>): TransactItem[] {
  const rows = new Map<string, TransactItem>();
  const claimsOf = (t: Touched) => ({ old: new Set(t.stored?.uniques ?? []), next: new Set(t.final && t.last ? t.last.uniques.map((u) => u.value) : []) });
  for (const t of touched.values()) {
    const { old, next } = claimsOf(t);
    for (const v of old) if (!next.has(v)) rows.set(v, { Delete: { TableName: names.uniques, Key: { Claim: v } } });
  }
  for (const t of touched.values()) {
    const { old, next } = claimsOf(t);
    const holder = t.final;
    if (!holder) continue;
    for (const v of next) if (!old.has(v)) rows.set(v, { Put: { TableName: names.uniques, Item: { Claim: v, Type: holder.type, Key: holder.key } } });
  }
  return [...rows.values()];
}

function auditOf(input: { names: TableNames; bucketSize: number; changes: readonly ConfigChange[]; writes: readonly PlannedWrite[]; head: ChainHead | undefined; ctx: ChangeContext }): { records: AuditRecord[]; auditActions: TransactItem[] } {
  let prev = input.head;
  const records: AuditRecord[] = [];
  const auditActions: TransactItem[] = [];
  input.changes.forEach((change, i) => {
    const write = input.writes[i] ?? { before: undefined, after: undefined };
    const body = auditRecordBody({ prev, context: input.ctx, change, write });
    const hash = createHash('sha256').update(auditDigestMaterial(body)).digest('hex');
    const before = body.before === null ? null : JSON.stringify(body.before);
    const after = body.after === null ? null : JSON.stringify(body.after);
    const record: AuditRecord = { ...body, before: before === null ? null : parseObject(before, 'an audit record'), after: after === null ? null : parseObject(after, 'an audit record'), hash };
    records.push(record);
    auditActions.push({
      Put: {
        TableName: input.names.audit,
        Item: auditRow(record, input.bucketSize, { before, after }),
        ConditionExpression: 'attribute_not_exists(#s)',
        ExpressionAttributeNames: { '#s': 'Seq' },
      },
    });
    prev = { seq: body.seq, hash };
  });
  return { records, auditActions };
}

function headAction(names: TableNames, head: ChainHead | undefined, last: AuditRecord | undefined): TransactItem {
  const Item = { ...HEAD_KEY, HeadSeq: last?.seq ?? head?.seq ?? 0, HeadHash: last?.hash ?? head?.hash ?? '' };
  return {
    Put: {
      TableName: names.audit,
      Item,
      ...(head
        ? { ConditionExpression: '#h = :h', ExpressionAttributeNames: { '#h': 'HeadSeq' }, ExpressionAttributeValues: { ':h': head.seq } }
        : { ConditionExpression: 'attribute_not_exists(#h)', ExpressionAttributeNames: { '#h': 'HeadSeq' } }),
    },
  };
}

/**
 * Refuses a batch that does not fit in one transaction. Splitting it would give up the port's all-or-nothing
 * promise (a crash between two transactions would leave half an import stored), so the caller is told to send
 * smaller batches instead.
 */
export function checkTransactionLimits(actions: readonly TransactItem[], changes: number): void {
  if (actions.length > MAX_TRANSACTION_ACTIONS) {
    throw new RefusedError(
      'too-large',
      'too-large',
      `this batch of ${changes} change${changes === 1 ? '' : 's'} needs ${actions.length} writes, more than the ${MAX_TRANSACTION_ACTIONS} DynamoDB allows in one transaction; send it in smaller parts (for an import: fewer items per document)`,
      { limitWrites: MAX_TRANSACTION_ACTIONS, writes: actions.length },
    );
  }
  const bytes = actions.reduce((n, a) => n + Buffer.byteLength(JSON.stringify(a, (_k, v: unknown) => (v instanceof Uint8Array ? 'x'.repeat(v.length) : v))), 0);
  if (bytes > MAX_TRANSACTION_BYTES) {
    throw new RefusedError('too-large', 'too-large', `this batch of ${changes} changes is about ${bytes} bytes, more than the ${MAX_TRANSACTION_BYTES} DynamoDB allows in one transaction; send it in smaller parts`, {
      limitBytes: MAX_TRANSACTION_BYTES,
    });
  }
}
