import { ConditionalCheckFailedException, TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { AlreadyExistsError, DependencyUnavailableError, NotFoundError, VersionConflictError } from '@envmgr/domain';
import {
  DeploymentInProgressError,
  isActiveDeploymentState,
  type CreateDeploymentOptions,
  type DeploymentIndex,
  type DeploymentListQuery,
  type DeploymentStore,
  type StoredDeployment,
} from '@envmgr/ports';
import { backoffMs, resolvePolicy, THROTTLED_REASONS, withRetry, type ResolvedRetryPolicy, type RetryPolicy } from './dynamo-errors.js';
import { tableNames } from './tables.js';

export interface DynamoDeploymentStoreOptions<R> {
  client: DynamoDBClient;
  /** Reads the fields the store indexes from a record. */
  indexOf: (record: R) => DeploymentIndex;
  /** Prepended to the table name (docs/aws.md#storage). @default '' */
  tablePrefix?: string;
  retry?: RetryPolicy;
}

/** Fixed-width milliseconds, so that the string order of `Order` is the time order. */
const pad = (ms: number) => String(Math.max(0, Math.floor(ms))).padStart(16, '0');
const orderOf = (atMs: number, id: string) => `${pad(atMs)}#${id}`;
const recordKey = (id: string) => `d#${id}`;
/** One claim per environment and service, naming the deployment that holds it (JSON keeps the pair unambiguous). */
const claimKey = (environment: string, service: string) => `a#${JSON.stringify([environment, service])}`;

interface Db<R> {
  doc: DynamoDBDocumentClient;
  table: string;
  policy: ResolvedRetryPolicy;
  indexOf: (record: R) => DeploymentIndex;
}

/**
 * Deployments in one table (docs/aws.md#storage): an item per deployment (`Pk` = `d#<id>`) with its JSON record,
 * `Version` and index fields; `Order` (time, then id) is the sort key of the `byTime` index and, while the deployment
 * is active, of the sparse `byActive` index the driver's passes read. Gets and writes are strongly consistent;
 * listings read the indexes, which DynamoDB keeps eventually consistent (within a second, in practice).
 *
 * `uniqueActive` is kept by a claim item per environment and service naming the deployment that holds it; a create
 * writes the deployment and takes the claim in one transaction, and takes over a claim only from a deployment that
 * has ended. A record must fit a DynamoDB item (400 KB).
 */
export function createDynamoDeploymentStore<R>(opts: DynamoDeploymentStoreOptions<R>): DeploymentStore<R> {
  const db: Db<R> = { doc: DynamoDBDocumentClient.from(opts.client), table: tableNames(opts.tablePrefix).deployments, policy: resolvePolicy(opts.retry), indexOf: opts.indexOf };
  return {
    create: (record, options) => create(db, record, options),
    get: (id) => getStored(db, id),
    update: (record, expectedVersion) => update(db, record, expectedVersion),
    list: (query) => list(db, query),
    findActive: (environment, service) => list(db, { environment, service, limit: Number.MAX_SAFE_INTEGER }, true),
    close: async () => undefined, // the client belongs to the composition root
  };
}

function itemOf<R>(db: Db<R>, record: R, version: number): Record<string, unknown> {
  const ix = db.indexOf(record);
  return {
    Pk: recordKey(ix.id),
    Version: version,
    Record: JSON.stringify(record),
    State: ix.state,
    Environment: ix.environment,
    Service: ix.service,
    At: ix.requestedAtMs,
    Id: ix.id,
    Feed: 'all',
    Order: orderOf(ix.requestedAtMs, ix.id),
    ...(isActiveDeploymentState(ix.state) ? { ActiveFeed: 'active' } : {}),
  };
}

function storedOf<R>(item: Record<string, unknown>): StoredDeployment<R> {
  return { record: JSON.parse(String(item.Record)) as R, version: Number(item.Version) };
}

async function getStored<R>(db: Db<R>, id: string): Promise<StoredDeployment<R> | undefined> {
  const r = await withRetry(db.policy, `read deployment '${id}'`, () => db.doc.send(new GetCommand({ TableName: db.table, Key: { Pk: recordKey(id) }, ConsistentRead: true })));
  return r.Item ? storedOf<R>(r.Item) : undefined;
}

async function create<R>(db: Db<R>, record: R, options: CreateDeploymentOptions = {}): Promise<StoredDeployment<R>> {
  const item = itemOf(db, record, 1);
  const id = db.indexOf(record).id;
  // a claim that changed between our read and our write sends us round again; the next read decides
  for (let attempt = 1; ; attempt++) {
    const claim = options.uniqueActive ? await claimStep(db, id, options.uniqueActive) : undefined;
    try {
      await withRetry(db.policy, `store deployment '${id}'`, () =>
        db.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: db.table, Item: item, ConditionExpression: 'attribute_not_exists(Pk)' } },
              ...(claim ? [{ Put: claim }] : []),
            ],
          }),
        ),
      );
      return storedOf<R>(item);
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      const reasons = err.CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') throw new AlreadyExistsError('deployment', id);
      // the claim changed under us, or DynamoDB was busy: read again after a back-off
      if (attempt >= db.policy.maxAttempts) {
        const busy = reasons.some((r) => THROTTLED_REASONS.has(r.Code ?? '') || r.Code === 'TransactionConflict');
        throw new DependencyUnavailableError(
          `DynamoDB kept refusing to store deployment '${id}'${busy ? ' (throttled)' : ' (contended claim)'}; retry later`,
          { deploymentId: id },
          { cause: err },
        );
      }
      await db.policy.sleep(backoffMs(db.policy, attempt));
    }
  }
}

/** The claim write of a create, or DeploymentInProgressError when an active deployment holds the claim. */
async function claimStep<R>(db: Db<R>, id: string, on: { environment: string; service: string }) {
  const Key = { Pk: claimKey(on.environment, on.service) };
  const held = await withRetry(db.policy, 'read the active deployment claim', () => db.doc.send(new GetCommand({ TableName: db.table, Key, ConsistentRead: true })));
  const holder = held.Item?.DeploymentId as string | undefined;
  if (holder !== undefined) {
    const current = await getStored(db, holder);
    if (current && isActiveDeploymentState(db.indexOf(current.record).state)) throw new DeploymentInProgressError(on.environment, on.service, holder);
  }
  return {
    TableName: db.table,
    Item: { ...Key, DeploymentId: id },
    // take it over only from the ended holder we saw; a concurrent create that got in first fails us
    ...(holder === undefined
      ? { ConditionExpression: 'attribute_not_exists(Pk)' }
      : { ConditionExpression: 'DeploymentId = :held', ExpressionAttributeValues: { ':held': holder } }),
  };
}

async function update<R>(db: Db<R>, record: R, expectedVersion: number): Promise<StoredDeployment<R>> {
  const id = db.indexOf(record).id;
  const item = itemOf(db, record, expectedVersion + 1);
  try {
    await withRetry(db.policy, `update deployment '${id}'`, () =>
      db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: item,
          ConditionExpression: 'Version = :v',
          ExpressionAttributeValues: { ':v': expectedVersion },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    return storedOf<R>(item);
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
    const current = err.Item?.Version?.N;
    if (current === undefined) throw new NotFoundError('deployment', id);
    throw new VersionConflictError('deployment', id, expectedVersion, Number(current));
  }
}

async function list<R>(db: Db<R>, q: DeploymentListQuery, onlyActive = false): Promise<StoredDeployment<R>[]> {
  const out: StoredDeployment<R>[] = [];
  if (q.limit <= 0 || (q.states && q.states.length === 0)) return out;
  // a query for active states reads the sparse index of active deployments, however long the history
  const activeOnly = onlyActive || (q.states !== undefined && q.states.every((s) => isActiveDeploymentState(s)));
  const hi = q.before ? orderOf(q.before.requestedAtMs, q.before.id) : '~';
  const names: Record<string, string> = { '#f': activeOnly ? 'ActiveFeed' : 'Feed', '#o': 'Order' };
  const values: Record<string, unknown> = { ':f': activeOnly ? 'active' : 'all', ':lo': pad(q.sinceMs ?? 0), ':hi': hi };
  const filters: string[] = [];
  const exact = (attr: string, value: string | undefined) => {
    if (value === undefined) return;
    names[`#${attr}`] = attr;
    values[`:${attr}`] = value;
    filters.push(`#${attr} = :${attr}`);
  };
  exact('Environment', q.environment);
  exact('Service', q.service);
  if (q.states) {
    names['#State'] = 'State';
    filters.push(`#State IN (${q.states.map((s, i) => ((values[`:s${i}`] = s), `:s${i}`)).join(', ')})`);
  }
  const input: QueryCommandInput = {
    TableName: db.table,
    IndexName: activeOnly ? 'byActive' : 'byTime',
    KeyConditionExpression: '#f = :f AND #o BETWEEN :lo AND :hi',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
    ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
  };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await withRetry(db.policy, 'list deployments', () => db.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start })));
    // BETWEEN includes the cursor's own item; the cursor is exclusive
    for (const row of page.Items ?? []) if (out.length < q.limit && row.Order !== (q.before ? hi : undefined)) out.push(storedOf<R>(row));
    start = page.LastEvaluatedKey;
  } while (start && out.length < q.limit);
  return out;
}
