import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startServer } from './child-server.js';
import { LATENCY_SERVICE_COUNT, latencyServiceKey, seededRandom } from './fixtures.js';
import { BenchFailure, type BenchTable } from './report.js';

/** How the load is generated; the same for EM and the baseline. */
export const LOAD = {
  ratePerSecond: 1000,
  durationS: 10,
  warmupS: 2,
  connections: 10,
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
  /** Set-up figures the server reported (e.g. seeding), in ms. */
  setup: Record<string, number>;
}

/** Forks the server script, warms it up, then measures it under `LOAD`. */
export async function measureServer(script: string, nextPath: () => string): Promise<LatencyRun> {
  const server = await startServer(fileURLToPath(new URL(script, import.meta.url)));
  try {
    const base = `http://127.0.0.1:${server.port}`;
    await preflight(base + nextPath());
    await load(base, nextPath, LOAD.warmupS);
    return { ...(await load(base, nextPath, LOAD.durationS)), setup: server.setup };
  } finally {
    await server.stop();
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
function load(base: string, nextPath: () => string, durationS: number): Promise<Omit<LatencyRun, 'setup'>> {
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

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

/** Runs the baseline, then EM, and returns the table of issue #3's latency targets. */
export async function latencyBenchmark(log: (line: string) => void): Promise<BenchTable> {
  log(`latency: bare Hono baseline, ${LOAD.warmupS} s warm-up + ${LOAD.durationS} s at ${LOAD.ratePerSecond} req/s ...`);
  const bare = await measureServer('./serve-bare.js', randomServicePaths());
  log(`latency: EM over SQLite with ${LATENCY_SERVICE_COUNT.toLocaleString('en')} services, same load ...`);
  const em = await measureServer('./serve-em.js', randomServicePaths());
  return {
    id: 'config-get-latency',
    title: `Config GET latency: GET /api/v1/config/services/{key}, ${LATENCY_SERVICE_COUNT.toLocaleString('en')} services in SQLite`,
    notes: [
      `load: autocannon, overallRate ${LOAD.ratePerSecond} req/s, ${LOAD.connections} connections, ${LOAD.durationS} s after a ${LOAD.warmupS} s warm-up, a random existing key per request`,
      'autocannon spends each connection\'s per-second budget back to back, then waits for the next second: the server sees bursts of up to ' +
        `${LOAD.connections} concurrent requests, not evenly spaced arrivals`,
      'server in a child process (node), load generator in this process; baseline: bare Hono, one route, small JSON body, same adapter',
      `EM seeded through store.commit in one batch in ${fmtMs(em.setup.seedMs)}; access log discarded (the server's pino line per request is not measured)`,
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
