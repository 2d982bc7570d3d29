import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { exportImportBenchmark } from './export-import.js';
import { latencyBenchmark } from './latency.js';
import { renderTable, summary, writeResults, type BenchTable } from './report.js';

/*
 * `npm run bench`: measures issue #3's targets and prints each beside its target and a baseline measured in the
 * same run. A missed target is reported, not failed: the exit code is 0 unless the benchmark itself breaks.
 */

const RESULTS = fileURLToPath(new URL('../../.bench/results.json', import.meta.url));
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const startedAt = new Date().toISOString();
try {
  const tables: BenchTable[] = [];
  tables.push(await latencyBenchmark(log));
  tables.push(await exportImportBenchmark(log));
  const cpu = cpus();
  await writeResults(
    RESULTS,
    {
      startedAt,
      finishedAt: new Date().toISOString(),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: { count: cpu.length, model: cpu[0]?.model ?? 'unknown' },
    },
    tables,
  );
  process.stdout.write(`\n${tables.map(renderTable).join('\n\n')}\n\n${summary(tables)}\n\nResults written to ${RESULTS}\n`);
} catch (err) {
  process.stderr.write(`\nThe benchmark could not run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
}
