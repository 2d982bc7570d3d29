import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { AlreadyExistsError } from '@envmgr/domain';
import type { ApiTokenRecord, CredentialStore, SecurityEvent } from '@envmgr/ports';
import { resolvePolicy, withRetry, type ResolvedRetryPolicy, type RetryPolicy } from './dynamo-errors.js';
import { tableNames } from './tables.js';

export interface DynamoCredentialStoreOptions {
  client: DynamoDBClient;
  /** Prepended to the table name (docs/aws.md#storage). @default '' */
  tablePrefix?: string;
  retry?: RetryPolicy;
}

/** Fixed-width, so that the string order of event keys is the seq order. */
const seqKey = (seq: number) => String(seq).padStart(15, '0');
/**
 * Events are appended in seq order by servers whose clocks agree to within this; a listing with `since` stops this
 * far past the first older event instead of reading the whole history.
 */
const CLOCK_SKEW_MS = 5 * 60_000;

interface Db {
  doc: DynamoDBDocumentClient;
  table: string;
  policy: ResolvedRetryPolicy;
}

/**
 * Sign-in secrets in their own table (docs/aws.md#storage), never in the configuration tables, their audit or
 * exports: `password#<user>` items, one `tokens` partition keyed by token id, and the security events in one
 * `events` partition keyed by seq, which a counter item hands out (a seq taken by a server that dies before writing
 * its event leaves a gap; seqs only grow).
 */
export function createDynamoCredentialStore(opts: DynamoCredentialStoreOptions): CredentialStore {
  const db: Db = { doc: DynamoDBDocumentClient.from(opts.client), table: tableNames(opts.tablePrefix).credentials, policy: resolvePolicy(opts.retry) };
  const send = <T>(what: string, op: () => Promise<T>) => withRetry(db.policy, what, op);
  const passwordKey = (user: string) => ({ Pk: `password#${user}`, Sk: '-' });
  const getToken = async (id: string): Promise<ApiTokenRecord | undefined> => {
    const r = await send('read an API token', () => db.doc.send(new GetCommand({ TableName: db.table, Key: { Pk: 'tokens', Sk: id }, ConsistentRead: true })));
    return r.Item ? (JSON.parse(String(r.Item.Token)) as ApiTokenRecord) : undefined;
  };
  return {
    async getPasswordHash(user) {
      const r = await send('read a password hash', () => db.doc.send(new GetCommand({ TableName: db.table, Key: passwordKey(user), ConsistentRead: true })));
      return r.Item ? String(r.Item.Hash) : undefined;
    },
    async setPasswordHash(user, hash) {
      await send('store a password hash', () => db.doc.send(new PutCommand({ TableName: db.table, Item: { ...passwordKey(user), Hash: hash } })));
    },
    async deletePasswordHash(user) {
      await send('delete a password hash', () => db.doc.send(new DeleteCommand({ TableName: db.table, Key: passwordKey(user) })));
    },
    async createToken(token) {
      try {
        await send('store an API token', () =>
          db.doc.send(new PutCommand({ TableName: db.table, Item: { Pk: 'tokens', Sk: token.id, Token: JSON.stringify(token) }, ConditionExpression: 'attribute_not_exists(Sk)' })),
        );
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) throw new AlreadyExistsError('token', token.id);
        throw err;
      }
    },
    getToken,
    async listTokens(query) {
      // tokens are few (people and pipelines); one partition read, sorted here
      const rows = await queryAll(db, { KeyConditionExpression: 'Pk = :p', ExpressionAttributeValues: { ':p': 'tokens' } }, Infinity);
      const tokens = rows.map((r) => JSON.parse(String(r.Token)) as ApiTokenRecord).filter((t) => query.owner === undefined || t.owner === query.owner);
      return tokens.sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1));
    },
    async revokeToken(id, at) {
      const current = await getToken(id);
      if (!current || current.revokedAt !== null) return false;
      try {
        // the stored text must still be the unrevoked token we read: of two concurrent revokes one wins
        await send('revoke an API token', () =>
          db.doc.send(
            new PutCommand({
              TableName: db.table,
              Item: { Pk: 'tokens', Sk: id, Token: JSON.stringify({ ...current, revokedAt: at }) },
              ConditionExpression: '#t = :old',
              ExpressionAttributeNames: { '#t': 'Token' },
              ExpressionAttributeValues: { ':old': JSON.stringify(current) },
            }),
          ),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },
    async appendSecurityEvent(event) {
      const r = await send('number a security event', () =>
        db.doc.send(
          new UpdateCommand({ TableName: db.table, Key: { Pk: 'events-head', Sk: '-' }, UpdateExpression: 'ADD Seq :one', ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'UPDATED_NEW' }),
        ),
      );
      const stored: SecurityEvent = { ...event, seq: Number(r.Attributes?.Seq) };
      await send('record a security event', () => db.doc.send(new PutCommand({ TableName: db.table, Item: { Pk: 'events', Sk: seqKey(stored.seq), At: stored.at, Event: JSON.stringify(stored) } })));
      return stored;
    },
    async listSecurityEvents(query) {
      const values: Record<string, unknown> = { ':p': 'events', ':hi': query.beforeSeq !== undefined ? seqKey(query.beforeSeq) : '~' };
      const sinceMs = query.since !== undefined ? Date.parse(query.since) : undefined;
      const rows = await queryAll(
        db,
        { KeyConditionExpression: 'Pk = :p AND Sk < :hi', ExpressionAttributeValues: values, ScanIndexForward: false },
        query.limit,
        (row) => sinceMs !== undefined && Date.parse(String(row.At)) < sinceMs - CLOCK_SKEW_MS,
      );
      const events = rows.map((r) => JSON.parse(String(r.Event)) as SecurityEvent);
      return (query.since !== undefined ? events.filter((e) => e.at >= (query.since as string)) : events).slice(0, query.limit);
    },
    close: async () => undefined, // the client belongs to the composition root
  };
}

/**
 * Reads a query's items page by page until `limit` items that `isPastEnd` does not reject were read, or the items
 * run out, or `isPastEnd` says the rest is too old to matter.
 */
async function queryAll(db: Db, input: Omit<QueryCommandInput, 'TableName'>, limit: number, isPastEnd?: (row: Record<string, unknown>) => boolean): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await withRetry(db.policy, 'read credentials', () => db.doc.send(new QueryCommand({ ...input, TableName: db.table, ConsistentRead: true, ExclusiveStartKey: start })));
    for (const row of page.Items ?? []) {
      if (isPastEnd?.(row)) return out;
      out.push(row);
    }
    start = page.LastEvaluatedKey;
  } while (start && out.length < limit);
  return out;
}
