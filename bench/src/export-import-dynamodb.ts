import { join } from 'node:path';
import { createDynamoConfigStore, createTables } from '@envmgr/adapter-store-dynamodb';
import { dynamoDbLocalMissing, startDynamoDbLocal } from '@envmgr/adapter-store-dynamodb/testing';
import { exportConfig, importConfig, type ImportItem } from '@envmgr/app';
import { ENTITIES, ENTITY_TYPES, isJsonObject, itemFacts, type EntityType } from '@envmgr/domain';
import type { ConfigChange, ConfigStore } from '@envmgr/ports';
import { BENCH_ACTOR, configDeps, openSqliteStore, tempDir } from './em-deps.js';
import { createChanges, EXPORT_ITEM_COUNT, exportItems, seedContext, type FixtureItem } from './fixtures.js';
import { BenchFailure, type BenchTable } from './report.js';

/** Items measured on DynamoDB Local (BENCH_DYNAMODB_ITEMS; each item costs 4 to 6 writes); the 100,000 figure is extrapolated. */
const DYNAMO_ITEMS = Number(process.env.BENCH_DYNAMODB_ITEMS ?? 2000);
/** Changes per DynamoDB transaction: a service with two ports costs 6 of its 100 writes (item, 3 claims, reference, audit). */
const CHUNK = 15;
const fmtN = (n: number) => n.toLocaleString('en');

interface Times {
  exportMs: number;
  importMs: number;
  commits: number;
}

/**
 * Export and import on DynamoDB Local against SQLite in the same run. Export = exportConfig + JSON.stringify.
 * Import = importConfig's plan of the whole document (a dry run: parse, domain checks, the target's state) and then
 * its changes committed: in one transaction on SQLite, in transactions of at most CHUNK changes on DynamoDB, which
 * refuses more than 100 writes per transaction (as a restore does there, docs/backup-and-replication.md#atomicity).
 */
export async function exportImportDynamoBenchmark(log: (line: string) => void): Promise<BenchTable> {
  const missing = dynamoDbLocalMissing();
  if (missing) throw new BenchFailure(`DynamoDB Local cannot run here: ${missing}`);
  const all = exportItems();
  const small = all.slice(0, DYNAMO_ITEMS);
  const dir = await tempDir('envmgr-bench-ddb-');
  const ddb = await startDynamoDbLocal();
  try {
    log(`dynamodb-export-import: SQLite, ${fmtN(all.length)} items ...`);
    const sqliteFull = await measure(all, () => openSqliteStore(join(dir.path, `full-${Math.random()}.db`)), false, log);
    log(`dynamodb-export-import: SQLite, ${fmtN(small.length)} items ...`);
    const sqliteSmall = await measure(small, () => openSqliteStore(join(dir.path, `small-${Math.random()}.db`)), false, log);
    log(`dynamodb-export-import: DynamoDB Local, ${fmtN(small.length)} items (seed, export, chunked import) ...`);
    let prefix = 0;
    const dynamo = await measure(small, async () => {
      const tablePrefix = `b${++prefix}-`;
      await createTables({ client: ddb.client(), tablePrefix, only: ['config'] });
      return createDynamoConfigStore({ client: ddb.client(), tablePrefix });
    }, true, log);
    const scale = EXPORT_ITEM_COUNT / small.length;
    return {
      id: 'dynamodb-export-import',
      title: `Export and import, DynamoDB Local against SQLite (${fmtN(small.length)} items measured on DynamoDB, ${fmtN(EXPORT_ITEM_COUNT)} extrapolated)`,
      notes: [
        `data: the export-import data set (clusters, then services with unique ports); DynamoDB Local in memory on loopback, SQLite files in a temp dir`,
        `export = exportConfig + JSON.stringify; import = importConfig's plan (dry run) + the commits of its changes, into an empty store`,
        `import on DynamoDB goes in chunks: a transaction holds at most 100 writes, so ${fmtN(small.length)} items took ${dynamo.commits} commits of up to ${CHUNK} changes ` +
          '(each all-or-nothing, not the whole import); on SQLite the import is one transaction',
        `DynamoDB Local imported ${fmtN(Math.round(small.length / (dynamo.importMs / 1000)))} items/s in this run, so ${fmtN(EXPORT_ITEM_COUNT)} items (about 500,000 ` +
          `writes) would take ~${Math.round((dynamo.importMs * scale) / 60_000)} minutes each to seed and to import; that is not measured: the ${fmtN(EXPORT_ITEM_COUNT)} ` +
          `DynamoDB rows are the ${fmtN(small.length)}-item times × ${scale.toFixed(0)} (linear: every commit costs the same, lists read 1 MB pages)`,
        'ratio = DynamoDB time / SQLite time for the same number of items (SQLite measured at both sizes in this run); real DynamoDB adds network round trips',
      ],
      metrics: [
        { name: `export, SQLite ${fmtN(EXPORT_ITEM_COUNT)} (measured)`, unit: 's', measured: sqliteFull.exportMs / 1000 },
        { name: `import, SQLite ${fmtN(EXPORT_ITEM_COUNT)} (measured, 1 commit)`, unit: 's', measured: sqliteFull.importMs / 1000 },
        { name: `export, DynamoDB ${fmtN(small.length)} (measured)`, unit: 's', measured: dynamo.exportMs / 1000, baseline: sqliteSmall.exportMs / 1000 },
        { name: `import, DynamoDB ${fmtN(small.length)} (measured, ${dynamo.commits} commits)`, unit: 's', measured: dynamo.importMs / 1000, baseline: sqliteSmall.importMs / 1000 },
        { name: `export, DynamoDB ${fmtN(EXPORT_ITEM_COUNT)} (extrapolated)`, unit: 's', measured: (dynamo.exportMs * scale) / 1000, baseline: sqliteFull.exportMs / 1000 },
        { name: `import, DynamoDB ${fmtN(EXPORT_ITEM_COUNT)} (extrapolated)`, unit: 's', measured: (dynamo.importMs * scale) / 1000, baseline: sqliteFull.importMs / 1000 },
      ],
    };
  } finally {
    await ddb.stop();
    await dir.remove();
  }
}

/** Seeds a store with `items`, exports it, and imports the document into a second, empty store. */
async function measure(items: FixtureItem[], open: () => ConfigStore | Promise<ConfigStore>, chunked: boolean, log: (line: string) => void): Promise<Times> {
  const source = await open();
  const target = await open();
  try {
    await commitAll(source, createChanges(items), chunked);
    let started = performance.now();
    const text = JSON.stringify(await exportConfig({ store: source }));
    const exportMs = performance.now() - started;
    log(`  export of ${fmtN(items.length)} items: ${(exportMs / 1000).toFixed(2)} s`);
    const docItems = documentItems(text);
    started = performance.now();
    const plan = await importConfig(configDeps(target), { actor: BENCH_ACTOR, requestId: 'bench-import' }, { items: docItems, mode: 'merge', dryRun: true });
    const commits = await commitAll(target, createsOf(docItems), chunked, seedContextFor('bench-import'));
    const importMs = performance.now() - started;
    log(`  import of ${fmtN(items.length)} items: ${(importMs / 1000).toFixed(2)} s in ${commits} commit(s)`);
    if (plan.summary.create !== items.length) throw new BenchFailure(`the import planned ${plan.summary.create} creates, not ${items.length}`);
    if (JSON.stringify(await exportConfig({ store: target })) !== text) throw new BenchFailure('export → import → export gave different bytes');
    return { exportMs, importMs, commits };
  } finally {
    await source.close();
    await target.close();
  }
}

async function commitAll(store: ConfigStore, changes: ConfigChange[], chunked: boolean, ctx = seedContext()): Promise<number> {
  if (!chunked) {
    await store.commit(changes, ctx);
    return 1;
  }
  let commits = 0;
  for (let at = 0; at < changes.length; at += CHUNK, commits++) await store.commit(changes.slice(at, at + CHUNK), ctx);
  return commits;
}

function seedContextFor(requestId: string) {
  return { ...seedContext(), requestId };
}

/** The import's changes into an empty store, referenced types first (what the plan would commit). */
function createsOf(items: Partial<Record<EntityType, ImportItem[]>>): ConfigChange[] {
  return ENTITY_TYPES.flatMap((type) =>
    (items[type] ?? []).map((i): ConfigChange => ({ op: 'create', type, key: keyOf(type, i), data: i.data, version: i.version ?? 1, ...itemFacts(type, i.data) })),
  );
}

function keyOf(type: EntityType, item: ImportItem): string {
  const key = ENTITIES[type].keyOf(item.data);
  if (key === undefined) throw new BenchFailure(`an exported ${type} item has no key`);
  return key;
}

function documentItems(text: string): Partial<Record<EntityType, ImportItem[]>> {
  const doc: unknown = JSON.parse(text);
  const items = isJsonObject(doc) && isJsonObject(doc.items) ? doc.items : {};
  const out: Partial<Record<EntityType, ImportItem[]>> = {};
  for (const type of ENTITY_TYPES) {
    const list = items[type];
    if (Array.isArray(list)) out[type] = list.filter(isJsonObject).map(({ Version, ...data }): ImportItem => ({ data, version: typeof Version === 'number' ? Version : undefined }));
  }
  return out;
}
