import { join } from 'node:path';
import { exportConfig, importConfig, type ImportItem } from '@envmgr/app';
import { isEntityType, isJsonObject, type EntityType } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';
import { BENCH_ACTOR, benchHttpApp, configDeps, openSqliteStore, tempDir } from './em-deps.js';
import { createChanges, EXPORT_CLUSTER_COUNT, EXPORT_ITEM_COUNT, EXPORT_PORTED_SERVICES, exportItems, seedContext } from './fixtures.js';
import { rawSqliteBaseline, type RawSqliteTimes } from './raw-sqlite.js';
import { BenchFailure, median, type BenchTable } from './report.js';

const TARGET_S = 5;
/** Repeats of the cheap measurements (raw baseline, export); the median is reported. Imports run once each. */
const REPEATS = 3;
const N = EXPORT_ITEM_COUNT.toLocaleString('en');

interface ExportTimes {
  useCaseMs: number;
  stringifyMs: number;
  text: string;
}

/** Export from a seeded SQLite store, import that document into empty ones, and the raw better-sqlite3 floor. */
export async function exportImportBenchmark(log: (line: string) => void): Promise<BenchTable> {
  const dir = await tempDir('envmgr-bench-export-');
  try {
    const source = openSqliteStore(join(dir.path, 'source.db'));
    const { seedMs, raw } = await seedAndBaseline(dir.path, source, log);
    log(`export/import: exportConfig + JSON.stringify, ${REPEATS} times ...`);
    const exported = await measureExport(source);
    await source.close();
    log('export/import: importConfig into an empty store ...');
    const imported = await measureImport(join(dir.path, 'target.db'), exported.text);
    log('export/import: POST /api/v1/config/import into an empty store ...');
    const httpImportMs = await measureHttpImport(join(dir.path, 'http.db'), exported.text);
    return {
      id: 'export-import-100k',
      title: `Export and import of ${N} items, SQLite`,
      notes: [
        `data: ${EXPORT_CLUSTER_COUNT} clusters and ${(EXPORT_ITEM_COUNT - EXPORT_CLUSTER_COUNT).toLocaleString('en')} services spread over them; ` +
          `the first ${EXPORT_PORTED_SERVICES.toLocaleString('en')} services hold a unique blue and green port (the port range holds no more)`,
        `export document: ${(exported.text.length / 1e6).toFixed(1)} MB; the baseline select produced ${(raw.selectedChars / 1e6).toFixed(1)} MB`,
        'baselines: bare better-sqlite3, one table with a primary key, same pragmas; insert = prepared INSERT per row with JSON.stringify in one ' +
          'transaction; select = one SELECT of all rows + JSON.parse per row + JSON.stringify of the array',
        'import = importConfig (plan, domain checks, one store transaction with refs, uniques and the audit chain) of the parsed document, ' +
          'mode merge, into an empty store; HTTP import adds body parsing, schema validation and the response, in-process through app.request',
        `baseline and export figures are the median of ${REPEATS} runs; seed and imports are one run each (each takes seconds)`,
        `export → import → export gives ${imported.isRoundTripIdentical ? 'the same bytes' : 'DIFFERENT bytes (a round-trip bug)'}`,
      ],
      metrics: [
        { name: 'export (exportConfig + JSON.stringify)', unit: 's', measured: (exported.useCaseMs + exported.stringifyMs) / 1000, max: TARGET_S, baseline: raw.selectMs / 1000 },
        { name: 'import (importConfig)', unit: 's', measured: imported.importMs / 1000, max: TARGET_S, baseline: raw.insertMs / 1000 },
        { name: 'HTTP import (optional)', unit: 's', measured: httpImportMs / 1000, max: TARGET_S, baseline: raw.insertMs / 1000 },
        { name: '  of export: exportConfig', unit: 's', measured: exported.useCaseMs / 1000 },
        { name: '  of export: JSON.stringify', unit: 's', measured: exported.stringifyMs / 1000 },
        { name: 'seed (store.commit, one batch)', unit: 's', measured: seedMs / 1000, baseline: raw.insertMs / 1000 },
      ],
    };
  } finally {
    await dir.remove();
  }
}

/** Seeds the source store and runs the raw baseline; the fixture items are garbage once this returns. */
async function seedAndBaseline(dir: string, source: ConfigStore, log: (line: string) => void): Promise<{ seedMs: number; raw: RawSqliteTimes }> {
  const items = exportItems();
  log(`export/import: seeding ${N} items into SQLite through store.commit ...`);
  const started = performance.now();
  await source.commit(createChanges(items), seedContext());
  const seedMs = performance.now() - started;
  log(`export/import: raw better-sqlite3 baseline, ${REPEATS} times ...`);
  const runs = Array.from({ length: REPEATS }, (_, i) => rawSqliteBaseline(join(dir, `raw-${i}.db`), items));
  const raw = { insertMs: median(runs.map((r) => r.insertMs)), selectMs: median(runs.map((r) => r.selectMs)), selectedChars: runs[0]?.selectedChars ?? 0 };
  return { seedMs, raw };
}

/** The median of `REPEATS` exports; checks that the document holds every item. */
async function measureExport(store: ConfigStore): Promise<ExportTimes> {
  const runs: ExportTimes[] = [];
  for (let i = 0; i < REPEATS; i++) {
    let started = performance.now();
    const doc = await exportConfig({ store });
    const useCaseMs = performance.now() - started;
    started = performance.now();
    const text = JSON.stringify(doc);
    runs.push({ useCaseMs, stringifyMs: performance.now() - started, text });
  }
  const mid = runs.sort((a, b) => a.useCaseMs + a.stringifyMs - (b.useCaseMs + b.stringifyMs))[Math.floor((REPEATS - 1) / 2)];
  if (!mid) throw new BenchFailure('no export run');
  const count = Object.values(documentItems(JSON.parse(mid.text))).reduce((n, list) => n + list.length, 0);
  if (count !== EXPORT_ITEM_COUNT) throw new BenchFailure(`the export holds ${count} items, not ${EXPORT_ITEM_COUNT}`);
  return mid;
}

async function measureImport(path: string, text: string): Promise<{ importMs: number; isRoundTripIdentical: boolean }> {
  const items = documentItems(JSON.parse(text));
  const store = openSqliteStore(path);
  try {
    const started = performance.now();
    const outcome = await importConfig(configDeps(store), { actor: BENCH_ACTOR, requestId: 'bench-import' }, { items, mode: 'merge', dryRun: false });
    const importMs = performance.now() - started;
    if (outcome.summary.create !== EXPORT_ITEM_COUNT) {
      throw new BenchFailure(`the import created ${outcome.summary.create} items, not ${EXPORT_ITEM_COUNT}: ${JSON.stringify(outcome.summary)}`);
    }
    const isRoundTripIdentical = JSON.stringify(await exportConfig({ store })) === text;
    return { importMs, isRoundTripIdentical };
  } finally {
    await store.close();
  }
}

async function measureHttpImport(path: string, text: string): Promise<number> {
  const store = openSqliteStore(path);
  try {
    const app = benchHttpApp(store);
    const started = performance.now();
    const res = await app.request('/api/v1/config/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    const body = await res.text();
    const ms = performance.now() - started;
    if (res.status !== 200) throw new BenchFailure(`POST /api/v1/config/import answered ${res.status}: ${body.slice(0, 500)}`);
    return ms;
  } finally {
    await store.close();
  }
}

/** The import items of an export document, as the HTTP layer makes them: `Version` split off the data. */
function documentItems(doc: unknown): Partial<Record<EntityType, ImportItem[]>> {
  const items = isJsonObject(doc) ? doc.items : undefined;
  if (!isJsonObject(items)) throw new BenchFailure('the export document has no items object');
  const out: Partial<Record<EntityType, ImportItem[]>> = {};
  for (const [type, list] of Object.entries(items)) {
    if (!isEntityType(type) || !Array.isArray(list)) throw new BenchFailure(`the export document has an unexpected items.${type}`);
    out[type] = list.filter(isJsonObject).map(({ Version, ...data }): ImportItem => ({ data, version: typeof Version === 'number' ? Version : undefined }));
  }
  return out;
}
