import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  auditDigestMaterial,
  checkLink,
  DependencyUnavailableError,
  type DomainError,
  ENTITIES,
  GENESIS_HASH,
  itemFacts,
  VersionConflictError,
  type EntityType,
  type JsonObject,
} from '@envmgr/domain';
import type { ChangeContext, ConfigChange, ConfigStore } from '@envmgr/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoConfigStore, type DynamoConfigStoreOptions } from './dynamo-config-store.js';
import { checkTables, createTables } from './tables.js';
import { dynamoDbLocalMissing, startDynamoDbLocal, type DynamoDbLocal } from './testing/dynamodb-local.js';

const missing = dynamoDbLocalMissing();
if (missing) console.warn(`dynamo-config-store.int.test.ts skipped: ${missing}`);

const create = (type: EntityType, data: JsonObject): ConfigChange => ({ op: 'create', type, key: ENTITIES[type].keyOf(data) ?? '', data, ...itemFacts(type, data) });
const update = (type: EntityType, data: JsonObject, expectedVersion: number): ConfigChange => ({
  op: 'update', type, key: ENTITIES[type].keyOf(data) ?? '', data, expectedVersion, ...itemFacts(type, data),
});
const cluster = (name: string, value: JsonObject = {}): JsonObject => ({ ClusterName: name, Value: { ShortName: 'IN', ...value } });
let tick = 0;
const ctx = (actor = 'alice'): ChangeContext => ({ actor, requestId: `req-${++tick}`, at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, tick)).toISOString() });

/** Makes the next `count` requests of `command` fail as DynamoDB does when it throttles. */
function injectThrottling(client: DynamoDBClient, command: string, count: number): void {
  let left = count;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === command && left-- > 0) {
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ProvisionedThroughputExceededException', $fault: 'client', $metadata: {} });
      }
      return next(args);
    },
    { step: 'initialize', name: `injectThrottling-${command}` },
  );
}

describe.skipIf(missing !== undefined)('DynamoDB config store: concurrency, limits, throttling and start-up checks', () => {
  let local: DynamoDbLocal;
  let n = 0;
  beforeAll(async () => {
    local = await startDynamoDbLocal();
  });
  afterAll(() => local?.stop());

  async function freshStore(opts: Partial<DynamoConfigStoreOptions> = {}): Promise<{ store: ConfigStore; client: DynamoDBClient; tablePrefix: string }> {
    const client = local.client();
    const tablePrefix = `i${++n}-`;
    await createTables({ client, tablePrefix, only: ['config'] });
    return { store: createDynamoConfigStore({ client, tablePrefix, ...opts }), client, tablePrefix };
  }

  it('keeps every update of 50 concurrent writers on 5 servers, audits each success, and keeps one verifiable chain', async () => {
    // buckets of 7 seqs make the chain span many partitions of the audit table
    const { store, tablePrefix } = await freshStore({ auditBucketSize: 7 });
    // five stores with clients of their own stand for five EM servers on one set of tables
    const servers = Array.from({ length: 5 }, () => createDynamoConfigStore({ client: local.client(), tablePrefix, auditBucketSize: 7 }));
    // five writers share each counter, so updates race on the item as well as on the chain head
    const counters = Array.from({ length: 10 }, (_, i) => `Counter${i}`);
    await store.commit(counters.map((c) => create('clusters', cluster(c, { Count: 0 }))), ctx());
    const writer = async (i: number): Promise<string[]> => {
      const server = servers[i % servers.length] as ConfigStore;
      const counter = counters[i % counters.length] as string;
      const own = ctx(`writer-${i}`);
      await server.commit([create('clusters', cluster(`W${i}`))], own);
      for (;;) {
        const current = await server.get('clusters', counter);
        const count = Number((current?.data.Value as JsonObject).Count);
        const c = ctx(`writer-${i}`);
        try {
          await server.commit([update('clusters', cluster(counter, { Count: count + 1 }), current?.version ?? 0)], c);
          return [own.requestId, c.requestId];
        } catch (err) {
          if (!(err instanceof VersionConflictError)) throw err;
        }
      }
    };
    const succeeded = (await Promise.all(Array.from({ length: 50 }, (_, i) => writer(i)))).flat();

    for (const name of counters) {
      const counter = await store.get('clusters', name);
      expect({ name, version: counter?.version, count: (counter?.data.Value as JsonObject).Count }).toEqual({ name, version: 6, count: 5 });
    }
    const chain = await store.auditChain(0, 1000);
    expect(chain.map((r) => r.seq)).toEqual(Array.from({ length: 110 }, (_, i) => i + 1));
    expect(new Set(chain.slice(10).map((r) => r.requestId))).toEqual(new Set(succeeded));
    let prev = { seq: 0, hash: GENESIS_HASH };
    for (const r of chain) {
      expect(checkLink(prev, r, createHash('sha256').update(auditDigestMaterial(r)).digest('hex'))).toEqual({ ok: true });
      prev = r;
    }
    expect((await store.queryAudit({ limit: 100, key: 'Counter3' })).map((r) => r.version)).toEqual([6, 5, 4, 3, 2, 1]);
    expect((await store.queryAudit({ limit: 3, beforeSeq: 50 })).map((r) => r.seq)).toEqual([49, 48, 47]);
    expect(await store.list('clusters', { limit: 100 })).toHaveLength(60);
  }, 120_000);

  it('lists keys in UTF-16 code-unit order, as JavaScript compares them', async () => {
    const { store } = await freshStore();
    const keys = ['\uE000x', '\u{1F600}x', 'Zz', 'aa'];
    await store.commit(keys.map((k) => create('clusters', cluster(k))), ctx());
    expect((await store.list('clusters', { limit: 10 })).map((i) => i.key)).toEqual([...keys].sort());
  });

  it('refuses a batch larger than one transaction, and an item larger than DynamoDB can audit, storing nothing', async () => {
    const { store } = await freshStore();
    const big = Array.from({ length: 40 }, (_, i) => create('clusters', cluster(`C${i}`)));
    const err: unknown = await store.commit(big, ctx()).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'too-large', code: 'too-large', details: { limitWrites: 100 } });
    expect((err as DomainError).message).toMatch(/needs \d+ writes, more than the 100/);
    await expect(store.commit([create('clusters', cluster('Huge', { Blob: 'x'.repeat(200_000) }))], ctx())).rejects.toMatchObject({ kind: 'too-large' });
    expect(await store.list('clusters', { limit: 100 })).toEqual([]);
    expect(await store.auditChain(0, 10)).toEqual([]);
    await expect(store.commit(big.slice(0, 20), ctx())).resolves.toMatchObject({ audit: expect.any(Array) as unknown });
  });

  it('retries throttled commits with back-off, and reports 503 when throttling persists', async () => {
    const { store, client } = await freshStore({ retry: { maxAttempts: 4, baseDelayMs: 1 } });
    injectThrottling(client, 'TransactWriteItemsCommand', 3);
    await store.commit([create('clusters', cluster('Infra'))], ctx());
    expect((await store.get('clusters', 'Infra'))?.version).toBe(1);
    injectThrottling(client, 'GetItemCommand', 100);
    const err: unknown = await store.get('clusters', 'Infra').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect(err).toMatchObject({ kind: 'unavailable' });
    expect((err as Error).cause).toMatchObject({ name: 'ProvisionedThroughputExceededException' });
  });

  it('says which tables are missing at start-up and how to create them', async () => {
    const client = local.client();
    const err: unknown = await checkTables({ client, tablePrefix: 'absent-' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect((err as Error).message).toContain("'absent-InfraConfigAccounts'");
    expect((err as Error).message).toContain('envmgr setup storage');
    await createTables({ client, tablePrefix: 'absent-' });
    await expect(checkTables({ client, tablePrefix: 'absent-' })).resolves.toBeUndefined();
    expect(await createTables({ client, tablePrefix: 'absent-' })).toEqual([]);
  });
});
