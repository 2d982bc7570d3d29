import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { agentBenchmark } from './agent.js';
import { awsInventoryBenchmark } from './aws-inventory.js';
import { deploymentBenchmark } from './deployments.js';
import { exportImportBenchmark } from './export-import.js';
import { latencyBenchmark } from './latency.js';
import { schedulingBenchmark } from './scheduling.js';
import { routerBenchmark } from './router.js';
import { webUiBenchmark } from './web-ui.js';
import { renderTable, summary, writeResults, type BenchTable } from './report.js';

/*
 * `npm run bench [name]`: measures issue #3's, #5's, #6's and #8's targets and prints each beside its target and a baseline
 * measured in the same run. A missed target is reported, not failed: the exit code is 0 unless the benchmark itself
 * breaks. With a name (`node bench/dist/run.js agent`) only the benchmarks whose name contains it run, and the
 * results go to .bench/results-<name>.json, leaving the full run's results.json alone.
 */

type Log = (line: string) => void;
const BENCHMARKS: { name: string; run: (log: Log) => Promise<BenchTable | BenchTable[]> }[] = [
  { name: 'latency', run: latencyBenchmark },
  { name: 'export-import', run: exportImportBenchmark },
  { name: 'dynamodb-export-import', run: (log) => import('./export-import-dynamodb.js').then((m) => m.exportImportDynamoBenchmark(log)) },
  { name: 'agent', run: agentBenchmark },
  { name: 'deployments', run: deploymentBenchmark },
  { name: 'scheduling', run: schedulingBenchmark },
  { name: 'router', run: routerBenchmark },
  { name: 'web-servers-view', run: webUiBenchmark },
  { name: 'aws-inventory', run: awsInventoryBenchmark },
  { name: 'notifications', run: (log) => import('./notifications.js').then((m) => m.notificationsBenchmark(log)) },
];
const filter = process.argv[2];
const RESULTS = fileURLToPath(new URL(`../../.bench/results${filter ? `-${filter.replace(/[^\w.-]/g, '_')}` : ''}.json`, import.meta.url));
const log: Log = (line) => void process.stderr.write(`${line}\n`);

const selected = BENCHMARKS.filter((b) => !filter || b.name.includes(filter));
if (!selected.length) {
  process.stderr.write(`No benchmark is named like '${filter}'; the benchmarks: ${BENCHMARKS.map((b) => b.name).join(', ')}\n`);
  process.exit(2);
}

const startedAt = new Date().toISOString();
try {
  const tables: BenchTable[] = [];
  for (const b of selected) tables.push(...[await b.run(log)].flat());
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
