import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  DanglingReferenceError,
  NotFoundError,
  ReferencedError,
  UniquenessError,
  VersionConflictError,
  auditDigestMaterial,
  GENESIS_HASH,
  itemFacts,
  ENTITIES,
  type EntityType,
  type JsonObject,
} from '@envmgr/domain';
import type { ChangeContext, ConfigChange, ConfigStore } from './config-store.js';

export interface ConfigStoreFixture {
  store: ConfigStore;
  dispose(): Promise<void>;
}

function create(type: EntityType, data: JsonObject, version?: number): ConfigChange {
  const key = ENTITIES[type].keyOf(data);
  if (!key) throw new TypeError(`test data for ${type} has no key`);
  return { op: 'create', type, key, data, ...itemFacts(type, data), ...(version ? { version } : {}) };
}
function update(type: EntityType, data: JsonObject, expectedVersion: number): ConfigChange {
  const key = ENTITIES[type].keyOf(data) ?? '';
  return { op: 'update', type, key, data, expectedVersion, ...itemFacts(type, data) };
}
const del = (type: EntityType, key: string, expectedVersion: number): ConfigChange => ({ op: 'delete', type, key, expectedVersion });

const cluster = (name: string, extra: JsonObject = {}): JsonObject => ({ ClusterName: name, Value: { ShortName: 'IN', ...extra } });
const service = (name: string, ports: [number, number], owner = 'Infra'): JsonObject => ({
  ServiceName: name,
  OwningCluster: owner,
  Value: { BluePort: ports[0], GreenPort: ports[1] },
});

let tick = 0;
const ctx = (actor = 'alice'): ChangeContext => ({ actor, requestId: `req-${++tick}`, at: new Date(Date.UTC(2026, 0, 1, 0, 0, tick)).toISOString() });

/** The behaviour every ConfigStore adapter shares. Call it from each adapter's `*.contract.test.ts`. */
export function configStoreContract(name: string, setup: () => Promise<ConfigStoreFixture>): void {
  describe(`ConfigStore contract: ${name}`, () => {
    let f: ConfigStoreFixture;
    let store: ConfigStore;
    beforeEach(async () => {
      f = await setup();
      store = f.store;
    });
    afterEach(() => f.dispose());

    it('returns undefined for a missing item', async () => {
      expect(await store.get('clusters', 'Nope')).toBeUndefined();
    });

    it('creates at version 1 and reads back the same data', async () => {
      const { items } = await store.commit([create('clusters', cluster('Infra'))], ctx());
      expect(items[0]).toEqual({ type: 'clusters', key: 'Infra', data: cluster('Infra'), version: 1 });
      expect(await store.get('clusters', 'Infra')).toEqual(items[0]);
    });

    it('creates at an explicit version when an import restores one', async () => {
      await store.commit([create('clusters', cluster('Infra'), 7)], ctx());
      expect((await store.get('clusters', 'Infra'))?.version).toBe(7);
    });

    it('refuses to create an existing key', async () => {
      await store.commit([create('clusters', cluster('Infra'))], ctx());
      await expect(store.commit([create('clusters', cluster('Infra'))], ctx())).rejects.toBeInstanceOf(AlreadyExistsError);
    });

    it('updates with the current version and bumps it', async () => {
      await store.commit([create('clusters', cluster('Infra'))], ctx());
      await store.commit([update('clusters', cluster('Infra', { KeyPair: 'k' }), 1)], ctx());
      const got = await store.get('clusters', 'Infra');
      expect(got?.version).toBe(2);
      expect(got?.data).toEqual(cluster('Infra', { KeyPair: 'k' }));
    });

    it('refuses a stale version and reports the current one', async () => {
      await store.commit([create('clusters', cluster('Infra'))], ctx());
      await store.commit([update('clusters', cluster('Infra', { KeyPair: 'a' }), 1)], ctx());
      const err: unknown = await store.commit([update('clusters', cluster('Infra', { KeyPair: 'b' }), 1)], ctx()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VersionConflictError);
      expect((err as VersionConflictError).details).toMatchObject({ currentVersion: 2, expectedVersion: 1 });
      expect((await store.get('clusters', 'Infra'))?.data).toEqual(cluster('Infra', { KeyPair: 'a' }));
    });

    it('refuses to update or delete a missing item', async () => {
      await expect(store.commit([update('clusters', cluster('Ghost'), 1)], ctx())).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.commit([del('clusters', 'Ghost', 1)], ctx())).rejects.toBeInstanceOf(NotFoundError);
    });

    it('deletes with the current version only', async () => {
      await store.commit([create('clusters', cluster('Infra'))], ctx());
      await expect(store.commit([del('clusters', 'Infra', 3)], ctx())).rejects.toBeInstanceOf(VersionConflictError);
      const { items } = await store.commit([del('clusters', 'Infra', 1)], ctx());
      expect(items).toEqual([undefined]);
      expect(await store.get('clusters', 'Infra')).toBeUndefined();
    });

    it('lists in key order with a cursor, a limit and index filters', async () => {
      await store.commit(['Cc', 'Aa', 'Bb', 'Dd'].map((n) => create('clusters', cluster(n))), ctx());
      await store.commit(
        [create('services', service('S1', [40000, 40001], 'Aa')), create('services', service('S2', [40002, 40003], 'Bb')), create('services', service('S3', [40004, 40005], 'Aa'))],
        ctx(),
      );
      expect((await store.list('clusters', { limit: 10 })).map((i) => i.key)).toEqual(['Aa', 'Bb', 'Cc', 'Dd']);
      expect((await store.list('clusters', { limit: 2, after: 'Aa' })).map((i) => i.key)).toEqual(['Bb', 'Cc']);
      expect((await store.list('services', { limit: 10, filter: { cluster: 'Aa' } })).map((i) => i.key)).toEqual(['S1', 'S3']);
      expect(await store.list('services', { limit: 10, filter: { cluster: 'Zz' } })).toEqual([]);
      expect(await store.list('accounts', { limit: 10 })).toEqual([]);
    });

    it('refuses a reference to a missing item and stores nothing', async () => {
      const err: unknown = await store.commit([create('services', service('S1', [40000, 40001]))], ctx()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DanglingReferenceError);
      expect((err as DanglingReferenceError).errors[0]?.path).toBe('OwningCluster');
      expect(await store.get('services', 'S1')).toBeUndefined();
      expect(await store.queryAudit({ limit: 10 })).toEqual([]);
    });

    it('accepts a batch whose items refer to each other in any order', async () => {
      await store.commit([create('services', service('S1', [40000, 40001])), create('clusters', cluster('Infra'))], ctx());
      expect(await store.referrers({ type: 'clusters', key: 'Infra' }, 10)).toEqual([{ type: 'services', key: 'S1' }]);
    });

    it('refuses to delete a referenced item, naming the referrer', async () => {
      await store.commit([create('clusters', cluster('Infra')), create('services', service('S1', [40000, 40001]))], ctx());
      const err: unknown = await store.commit([del('clusters', 'Infra', 1)], ctx()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ReferencedError);
      expect((err as ReferencedError).details.referrers).toEqual([{ type: 'services', key: 'S1' }]);
      await store.commit([del('services', 'S1', 1), del('clusters', 'Infra', 1)], ctx());
      expect(await store.get('clusters', 'Infra')).toBeUndefined();
    });

    it('drops references an update removes', async () => {
      await store.commit([create('clusters', cluster('A')), create('clusters', cluster('B')), create('services', service('S1', [40000, 40001], 'A'))], ctx());
      await store.commit([update('services', service('S1', [40000, 40001], 'B'), 1)], ctx());
      await store.commit([del('clusters', 'A', 1)], ctx());
      await expect(store.commit([del('clusters', 'B', 1)], ctx())).rejects.toBeInstanceOf(ReferencedError);
    });

    it('keeps unique claims unique and frees them on change', async () => {
      await store.commit([create('clusters', cluster('Infra')), create('services', service('S1', [40000, 40001]))], ctx());
      const err: unknown = await store.commit([create('services', service('S2', [40001, 40002]))], ctx()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UniquenessError);
      expect((err as UniquenessError).details.heldBy).toEqual({ type: 'services', key: 'S1' });
      await store.commit([del('services', 'S1', 1)], ctx());
      await store.commit([create('services', service('S2', [40001, 40002]))], ctx());
      await expect(store.commit([create('services', service('S3', [40010, 40010]))], ctx())).resolves.toBeDefined();
    });

    it('stores nothing of a batch when one change fails', async () => {
      await store.commit([create('clusters', cluster('Infra'))], ctx());
      const before = await store.queryAudit({ limit: 10 });
      await expect(
        store.commit([create('clusters', cluster('Other')), update('clusters', cluster('Infra', { KeyPair: 'x' }), 1), create('clusters', cluster('Infra'))], ctx()),
      ).rejects.toBeInstanceOf(AlreadyExistsError);
      expect(await store.get('clusters', 'Other')).toBeUndefined();
      expect((await store.get('clusters', 'Infra'))?.version).toBe(1);
      expect(await store.queryAudit({ limit: 10 })).toEqual(before);
    });

    it('appends one hash-chained audit record per change', async () => {
      const c1 = ctx('alice');
      await store.commit([create('clusters', cluster('Infra'))], c1);
      const c2 = ctx('bob');
      await store.commit([update('clusters', cluster('Infra', { KeyPair: 'k' }), 1), create('clusters', cluster('Web'))], c2);
      await store.commit([del('clusters', 'Web', 1)], ctx('carol'));
      const chain = await store.auditChain(0, 100);
      expect(chain.map((r) => [r.seq, r.changeType, r.key, r.version, r.actor])).toEqual([
        [1, 'Created', 'Infra', 1, 'alice'],
        [2, 'Updated', 'Infra', 2, 'bob'],
        [3, 'Created', 'Web', 1, 'bob'],
        [4, 'Deleted', 'Web', 1, 'carol'],
      ]);
      expect(chain[0]).toMatchObject({ before: null, after: cluster('Infra'), requestId: c1.requestId, at: c1.at, prevHash: GENESIS_HASH });
      expect(chain[1]).toMatchObject({ before: cluster('Infra'), after: cluster('Infra', { KeyPair: 'k' }), requestId: c2.requestId });
      expect(chain[3]).toMatchObject({ before: cluster('Web'), after: null });
      chain.forEach((r, i) => {
        expect(r.hash).toBe(createHash('sha256').update(auditDigestMaterial(r)).digest('hex'));
        if (i > 0) expect(r.prevHash).toBe(chain[i - 1]?.hash);
      });
      expect((await store.auditChain(2, 1)).map((r) => r.seq)).toEqual([3]);
    });

    it('queries audit newest first by type, key, actor, version, time and cursor', async () => {
      await store.commit([create('clusters', cluster('Infra'))], ctx('alice'));
      const mid = ctx('bob');
      await store.commit([update('clusters', cluster('Infra', { KeyPair: 'k' }), 1)], mid);
      await store.commit([create('notification-settings', { NotificationSettingsId: 'n', Value: {} })], ctx('alice'));
      const seqs = async (q: Parameters<ConfigStore['queryAudit']>[0]): Promise<number[]> => (await store.queryAudit(q)).map((r) => r.seq);
      expect(await seqs({ limit: 10 })).toEqual([3, 2, 1]);
      expect(await seqs({ limit: 10, entityType: 'clusters' })).toEqual([2, 1]);
      expect(await seqs({ limit: 10, entityType: 'clusters', key: 'Infra', version: 1 })).toEqual([1]);
      expect(await seqs({ limit: 10, actor: 'alice' })).toEqual([3, 1]);
      expect(await seqs({ limit: 10, since: mid.at })).toEqual([3, 2]);
      expect(await seqs({ limit: 10, until: mid.at })).toEqual([1]);
      expect(await seqs({ limit: 1, beforeSeq: 3 })).toEqual([2]);
    });

    it('lets exactly one of many concurrent writers of one version win', async () => {
      await store.commit([create('clusters', cluster('Infra'))], ctx());
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => store.commit([update('clusters', cluster('Infra', { KeyPair: `k${i}` }), 1)], ctx())),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(VersionConflictError);
      expect((await store.auditChain(0, 100)).length).toBe(2);
    });
  });
}
