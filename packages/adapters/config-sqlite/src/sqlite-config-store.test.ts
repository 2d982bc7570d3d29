import {
  auditDigestMaterial,
  checkLink,
  CorruptDataError,
  DanglingReferenceError,
  DependencyUnavailableError,
  ENTITIES,
  GENESIS_HASH,
  itemFacts,
  ReferencedError,
  UniquenessError,
  type EntityType,
  type JsonObject,
} from '@envmgr/domain';
import type { ChangeContext, ConfigChange, ConfigStore } from '@envmgr/ports';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from './schema.js';
import { createSqliteConfigStore, type SqliteConfigStoreOptions } from './sqlite-config-store.js';

const create = (type: EntityType, data: JsonObject): ConfigChange => ({ op: 'create', type, key: ENTITIES[type].keyOf(data) ?? '', data, ...itemFacts(type, data) });
const update = (type: EntityType, data: JsonObject, expectedVersion: number): ConfigChange => ({
  op: 'update',
  type,
  key: ENTITIES[type].keyOf(data) ?? '',
  data,
  expectedVersion,
  ...itemFacts(type, data),
});
const cluster = (name: string, extra: JsonObject = {}): JsonObject => ({ ClusterName: name, Value: { ShortName: 'IN', ...extra } });
const service = (name: string, port: number): JsonObject => ({ ServiceName: name, OwningCluster: 'Infra', Value: { BluePort: port, GreenPort: port + 1 } });
const environment = (name: string): JsonObject => ({ EnvironmentName: name, Value: { EnvironmentType: 'Dev', OwningCluster: 'Infra', Description: `environment ${name}` } });
const ctx = (actor = 'alice', second = 0): ChangeContext => ({ actor, requestId: `req-${actor}-${second}`, at: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString() });
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Every row of every table, read through a connection of its own. */
function snapshot(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = ['items', 'refs', 'uniques', 'audit'];
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all()]));
  } finally {
    db.close();
  }
}

describe('createSqliteConfigStore', () => {
  let dir: string;
  let path: string;
  const opened: ConfigStore[] = [];
  const open = (extra: Partial<SqliteConfigStoreOptions> = {}): ConfigStore => {
    const store = createSqliteConfigStore({ path, ...extra });
    opened.push(store);
    return store;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'envmgr-config-sqlite-'));
    path = join(dir, 'config.db');
  });
  afterEach(async () => {
    try {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps items, references, claims and the audit chain across a reopen', async () => {
    const first = open();
    await first.commit([create('clusters', cluster('Infra')), create('services', service('S1', 40000))], ctx('alice', 1));
    await first.commit([update('clusters', cluster('Infra', { KeyPair: 'k' }), 1)], ctx('bob', 2));
    const before = await first.auditChain(0, 10);
    await first.close();

    const second = open();
    expect(await second.get('clusters', 'Infra')).toEqual({ type: 'clusters', key: 'Infra', data: cluster('Infra', { KeyPair: 'k' }), version: 2 });
    expect(await second.referrers({ type: 'clusters', key: 'Infra' }, 10)).toEqual([{ type: 'services', key: 'S1' }]);
    await expect(second.commit([{ op: 'delete', type: 'clusters', key: 'Infra', expectedVersion: 2 }], ctx())).rejects.toBeInstanceOf(ReferencedError);
    await expect(second.commit([create('services', service('S2', 40001))], ctx())).rejects.toBeInstanceOf(UniquenessError);
    const { audit } = await second.commit([create('clusters', cluster('Web'))], ctx('carol', 3));

    expect(audit[0]).toMatchObject({ seq: 4, prevHash: before[2]?.hash, key: 'Web' });
    const chain = await second.auditChain(0, 10);
    expect(chain.slice(0, 3)).toEqual(before);
    expect(chain[0]?.prevHash).toBe(GENESIS_HASH);
    chain.forEach((record, i) => {
      const prev = i === 0 ? { seq: 0, hash: GENESIS_HASH } : (chain[i - 1] ?? { seq: 0, hash: '' });
      expect(checkLink(prev, record, sha256(auditDigestMaterial(record)))).toEqual({ ok: true });
    });
  });

  it('applies a batch that touches one key several times, and moves a claim between items', async () => {
    const store = open();
    const s1 = service('S1', 40000);
    await store.commit(
      [
        create('clusters', cluster('Infra')),
        update('clusters', cluster('Infra', { KeyPair: 'k' }), 1),
        create('services', s1),
        { op: 'delete', type: 'services', key: 'S1', expectedVersion: 1 },
        create('services', s1),
      ],
      ctx(),
    );
    expect((await store.get('clusters', 'Infra'))?.version).toBe(2);
    expect(await store.referrers({ type: 'clusters', key: 'Infra' }, 10)).toEqual([{ type: 'services', key: 'S1' }]);
    // S2 takes S1's ports while S1 moves away, S2 listed first
    await store.commit([create('services', service('S2', 40000)), update('services', service('S1', 40010), 1)], ctx());
    const err: unknown = await store.commit([create('services', service('S3', 40001))], ctx()).catch((e: unknown) => e);
    expect((err as UniquenessError).details.heldBy).toEqual({ type: 'services', key: 'S2' });
    await expect(store.commit([create('services', service('S3', 40011))], ctx())).rejects.toBeInstanceOf(UniquenessError);
    await expect(store.commit([create('services', service('S3', 40020))], ctx())).resolves.toBeDefined();
  });

  it('keeps one audit chain when two connections write to the same file', async () => {
    const a = open();
    const b = open();
    await a.commit([create('clusters', cluster('A'))], ctx('alice', 1));
    await b.commit([create('clusters', cluster('B'))], ctx('bob', 2));
    await a.commit([update('clusters', cluster('B', { KeyPair: 'k' }), 1)], ctx('alice', 3));
    await expect(b.commit([update('clusters', cluster('B', { KeyPair: 'x' }), 1)], ctx('bob', 4))).rejects.toThrow(/version 2, not 1/);
    const chain = await b.auditChain(0, 10);
    expect(chain.map((r) => [r.seq, r.actor])).toEqual([[1, 'alice'], [2, 'bob'], [3, 'alice']]);
    chain.slice(1).forEach((r, i) => expect(r.prevHash).toBe(chain[i]?.hash));
  });

  it('turns on WAL mode and records the schema version', async () => {
    await open().commit([create('clusters', cluster('Infra'))], ctx());
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  it('refuses a file written by a newer schema version', () => {
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => open()).toThrow(DependencyUnavailableError);
  });

  it('refuses a file that is not a database', async () => {
    await writeFile(path, 'not a database, just some text that is long enough to fill a header '.repeat(20));
    expect(() => open()).toThrow(CorruptDataError);
  });

  it('reports a missing directory as unavailable', () => {
    path = join(dir, 'missing', 'config.db');
    expect(() => open()).toThrow(DependencyUnavailableError);
  });

  it('reports a write lock held too long as unavailable, keeping the cause and no SQL', async () => {
    const store = open({ busyTimeoutMs: 20 });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const err: unknown = await store.commit([create('clusters', cluster('Infra'))], ctx()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DependencyUnavailableError);
      expect((err as Error).cause).toMatchObject({ code: 'SQLITE_BUSY' });
      expect((err as Error).message).not.toMatch(/select|insert|begin|update/i);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    await expect(store.commit([create('clusters', cluster('Infra'))], ctx())).resolves.toBeDefined();
  });

  it('orders keys by UTF-16 code unit, as JavaScript compares strings', async () => {
    const store = open();
    // UTF-8 byte order (SQLite's BINARY collation) puts U+FF21 before U+1F600; code unit order puts it after
    const names = ['\uFF21', '\u{1F600}', 'z', 'A', 'b', 'ä', '\u{10000}', '\uE000'];
    await store.commit(names.map((n) => create('clusters', cluster(n))), ctx());
    const sorted = [...names].sort();
    expect((await store.list('clusters', { limit: 100 })).map((i) => i.key)).toEqual(sorted);
    expect((await store.list('clusters', { limit: 100, after: '\u{1F600}' })).map((i) => i.key)).toEqual(sorted.slice(sorted.indexOf('\u{1F600}') + 1));
  });

  it('filters on index names that look like JSON path syntax, by binding them', async () => {
    const store = open();
    const indexes = { 'a.b': 'dot', 'q"x': 'quote', '$': 'dollar', "x') OR 1=1 --": 'sql' };
    const odd: ConfigChange = { op: 'create', type: 'clusters', key: 'Odd', data: cluster('Odd'), references: [], indexes, uniques: [] };
    const nested: ConfigChange = { ...odd, key: 'Nested', data: cluster('Nested'), indexes: { a: 'x' } };
    await store.commit([odd, nested], ctx());
    for (const [name, value] of Object.entries(indexes)) {
      expect((await store.list('clusters', { limit: 10, filter: { [name]: value } })).map((i) => i.key)).toEqual(['Odd']);
    }
    expect(await store.list('clusters', { limit: 10, filter: { a: 'dot' } })).toEqual([]);
    expect(await store.list('clusters', { limit: 10, filter: { "x') OR 1=1 --": 'nope' } })).toEqual([]);
  });

  it('commits a batch of 100,000 creates in one call', { timeout: 120_000 }, async () => {
    const store = open();
    const changes = [create('clusters', cluster('Infra')), create('environment-types', { EnvironmentType: 'Dev', Value: {} })];
    for (let i = 0; changes.length < 100_000; i++) {
      const name = `item-${String(i).padStart(6, '0')}`;
      changes.push(i % 2 ? create('services', service(name, 10_000 + 2 * i)) : create('environments', environment(name)));
    }
    const types: EntityType[] = ['clusters', 'environment-types', 'environments', 'services'];
    const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
      const started = performance.now();
      const result = await work();
      return [result, performance.now() - started];
    };

    const [result, commitMs] = await timed(() => store.commit(changes, ctx()));
    expect(result.items).toHaveLength(100_000);
    expect(result.audit.at(-1)?.seq).toBe(100_000);

    const [listed, listAllMs] = await timed(async () => {
      let count = 0;
      for (const type of types) count += (await store.list(type, { limit: 100_000 })).length;
      return count;
    });
    expect(listed).toBe(100_000);

    const [paged, pagedMs] = await timed(async () => {
      let count = 0;
      for (const type of types) {
        for (let page = await store.list(type, { limit: 1000 }); page.length; page = await store.list(type, { limit: 1000, after: page.at(-1)?.key ?? '' })) {
          count += page.length;
        }
      }
      return count;
    });
    expect(paged).toBe(100_000);

    const [, getsMs] = await timed(async () => {
      for (let i = 0; i < 1000; i++) await store.get('environments', `item-${String(2 * i).padStart(6, '0')}`);
    });
    const [filtered, filterMs] = await timed(() => store.list('environments', { limit: 100, filter: { cluster: 'Nope' } }));
    expect(filtered).toEqual([]);
    console.info(
      `sqlite config store, 100,000 items: commit ${commitMs.toFixed(0)} ms; list all in one call per type ${listAllMs.toFixed(0)} ms; ` +
        `in pages of 1,000 ${pagedMs.toFixed(0)} ms; get ${getsMs.toFixed(1)} µs each (mean of 1,000); ` +
        `filtered list matching none of 49,999 environments ${filterMs.toFixed(1)} ms`,
    );
  });

  describe('leaves the database unchanged when a batch of 10,000 fails', () => {
    const batch = (): ConfigChange[] => Array.from({ length: 9_999 }, (_, i) => create('clusters', cluster(`C${String(i).padStart(5, '0')}`)));

    it('when the plan refuses it', { timeout: 60_000 }, async () => {
      const store = open();
      await store.commit([create('clusters', cluster('Infra')), create('services', service('S1', 40000))], ctx());
      const before = snapshot(path);
      const dangling = create('services', { ...service('S2', 40002), OwningCluster: 'Missing' });
      await expect(store.commit([...batch(), dangling], ctx())).rejects.toBeInstanceOf(DanglingReferenceError);
      expect(snapshot(path)).toEqual(before);
    });

    it('when a write fails after most rows were written', { timeout: 60_000 }, async () => {
      const store = open();
      await store.commit([create('clusters', cluster('Infra')), create('services', service('S1', 40000))], ctx());
      const before = snapshot(path);
      // JSON.stringify throws on a BigInt, so the 10,000th write fails inside the transaction
      const unwritable = create('clusters', { ClusterName: 'Last', Value: { n: 1n } } as unknown as JsonObject);
      await expect(store.commit([...batch(), unwritable], ctx())).rejects.toThrow(TypeError);
      expect(snapshot(path)).toEqual(before);
      // nothing queued by the failed batch reaches the next one
      await store.commit([create('clusters', cluster('Web'))], ctx());
      expect((await store.list('clusters', { limit: 10 })).map((i) => i.key)).toEqual(['Infra', 'Web']);
      expect((await store.auditChain(0, 100)).map((r) => r.key)).toEqual(['Infra', 'S1', 'Web']);
    });
  });
});
