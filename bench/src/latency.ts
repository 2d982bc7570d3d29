import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startServer } from './child-server.js';
import { LATENCY_SERVICE_COUNT, latencyServiceKey, seededRandom } from './fixtures.js';
import { BenchFailure, median, percentile, type BenchTable } from './report.js';

/** How the load is generated; the same for EM and the baseline. */
export const LOAD = {
  ratePerSecond: 1000,
  durationS: 10,
  warmupS: 2,
  connections: 10,
  /**
   * Measured runs per server, alternating baseline and EM; the median run's figures are reported. One 10 s run's p99
   * is set by whichever GC pauses land in it (5.9 to 20.8 ms for the same build), too noisy for a verdict.
   */
  rounds: 3,
} as const;

export interface LatencyRun {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Completed requests per second over the measured run. */
  achievedRps: number;
  requests: number;
  non2xx: number;
  /** Socket errors and timeouts. */
  errors: number;
}

interface Target {
  label: string;
  base: string;
  nextPath: () => string;
  runs: LatencyRun[];
}

/** Starts both servers, warms each up, then measures them in alternating rounds under `LOAD`. */
async function measureServers(log: (line: string) => void): Promise<{ bare: LatencyRun[]; em: LatencyRun[]; emSetup: Record<string, number> }> {
  const bare = await startServer(fileURLToPath(new URL('./serve-bare.js', import.meta.url)));
  try {
    log(`latency: seeding EM's SQLite store with ${LATENCY_SERVICE_COUNT.toLocaleString('en')} services ...`);
    const em = await startServer(fileURLToPath(new URL('./serve-em.js', import.meta.url)));
    try {
      const targets: Target[] = [bare, em].map((s, i) => ({ label: i ? 'EM' : 'bare Hono', base: `http://127.0.0.1:${s.port}`, nextPath: randomServicePaths(), runs: [] }));
      for (const t of targets) {
        await preflight(t.base + t.nextPath());
        await load(t.base, t.nextPath, LOAD.warmupS);
      }
      for (let round = 1; round <= LOAD.rounds; round++) {
        for (const t of targets) {
          log(`latency: round ${round}/${LOAD.rounds}, ${t.label}, ${LOAD.durationS} s at ${LOAD.ratePerSecond} req/s ...`);
          t.runs.push(await load(t.base, t.nextPath, LOAD.durationS));
        }
      }
      return { bare: targets[0]?.runs ?? [], em: targets[1]?.runs ?? [], emSetup: em.setup };
    } finally {
      await em.stop();
    }
  } finally {
    await bare.stop();
  }
}

/** A different existing service key for each request, in the same order every run. */
export function randomServicePaths(): () => string {
  const random = seededRandom(3);
  return () => `/api/v1/config/services/${latencyServiceKey(1 + Math.floor(random() * LATENCY_SERVICE_COUNT))}`;
}

async function preflight(url: string): Promise<void> {
  const res = await fetch(url);
  const body = await res.text();
  if (!res.ok) throw new BenchFailure(`GET ${url} answered ${res.status}, not 2xx, before the load started: ${body.slice(0, 300)}`);
}

/*
 * Latencies are collected from autocannon's per-request 'response' event (process.hrtime, fractional ms) rather
 * than its histogram, which stores whole milliseconds: a sub-millisecond baseline would read as 0 and make the
 * ratio meaningless. autocannon's coordinated-omission correction is off because, under overallRate, it assumes
 * an expected interval of ceil(1 / per-connection rate) = 1 ms and back-fills samples for every response slower
 * than that. The achieved rate shows whether the load was held.
 */
function load(base: string, nextPath: () => string, durationS: number): Promise<LatencyRun> {
  const samplesMs: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections: LOAD.connections,
        overallRate: LOAD.ratePerSecond,
        duration: durationS,
        ignoreCoordinatedOmission: true,
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: nextPath() }) }],
      },
      (err, result) => {
        if (err) return reject(err);
        samplesMs.sort((a, b) => a - b);
        resolve({
          p50Ms: percentile(samplesMs, 0.5),
          p99Ms: percentile(samplesMs, 0.99),
          maxMs: samplesMs[samplesMs.length - 1] ?? Number.NaN,
          achievedRps: result.requests.total / result.duration,
          requests: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      if (statusCode >= 200 && statusCode < 300) samplesMs.push(responseTimeMs);
    });
  });
}

/** The median over rounds of each figure; counts are summed and the maximum is the largest seen. */
function combine(runs: readonly LatencyRun[]): LatencyRun {
  const sum = (f: (r: LatencyRun) => number): number => runs.reduce((n, r) => n + f(r), 0);
  return {
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    maxMs: Math.max(...runs.map((r) => r.maxMs)),
    achievedRps: median(runs.map((r) => r.achievedRps)),
    requests: sum((r) => r.requests),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
  };
}

/** Measures the baseline and EM and returns the table of issue #3's latency targets. */
export async function latencyBenchmark(log: (line: string) => void): Promise<BenchTable> {
  const runs = await measureServers(log);
  const [bare, em] = [combine(runs.bare), combine(runs.em)];
  const p99s = (list: readonly LatencyRun[]): string => list.map((r) => r.p99Ms.toFixed(2)).join(', ');
  return {
    id: 'config-get-latency',
    title: `Config GET latency: GET /api/v1/config/services/{key}, ${LATENCY_SERVICE_COUNT.toLocaleString('en')} services in SQLite`,
    notes: [
      `load: autocannon, overallRate ${LOAD.ratePerSecond} req/s, ${LOAD.connections} connections, a random existing key per request; ` +
        `${LOAD.rounds} rounds of ${LOAD.durationS} s per server, alternating baseline and EM, after a ${LOAD.warmupS} s warm-up each`,
      `figures are the median round's (max: the largest seen; counts: summed); p99 per round, EM: ${p99s(runs.em)} ms; baseline: ${p99s(runs.bare)} ms`,
      "autocannon spends each connection's per-second budget back to back, then waits for the next second: the server sees bursts of up to " +
        `${LOAD.connections} concurrent requests, not evenly spaced arrivals`,
      'servers in child processes (node), load generator in this process; baseline: bare Hono, one route, small JSON body, same adapter',
      `EM seeded through store.commit in one batch in ${fmtMs(runs.emSetup.seedMs)}; access log discarded (the server's pino line per request is not measured)`,
    ],
    metrics: [
      { name: 'p50 latency', unit: 'ms', measured: em.p50Ms, baseline: bare.p50Ms, maxRatio: 3 },
      { name: 'p99 latency', unit: 'ms', measured: em.p99Ms, max: 10, baseline: bare.p99Ms, maxRatio: 3 },
      { name: 'max latency', unit: 'ms', measured: em.maxMs, baseline: bare.maxMs },
      { name: 'achieved rate', unit: 'req/s', measured: em.achievedRps, min: LOAD.ratePerSecond * 0.95, baseline: bare.achievedRps },
      { name: 'requests measured', unit: '', measured: em.requests, baseline: bare.requests },
      { name: 'non-2xx responses', unit: '', measured: em.non2xx, max: 0, baseline: bare.non2xx },
      { name: 'errors + timeouts', unit: '', measured: em.errors, max: 0, baseline: bare.errors },
    ],
  };
}

function fmtMs(ms: number | undefined): string {
  return ms === undefined ? 'unknown time' : `${(ms / 1000).toFixed(2)} s`;
}
