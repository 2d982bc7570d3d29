import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startServer, type ChildServer } from './child-server.js';
import { BenchFailure, median, percentile, type BenchTable } from './report.js';

/*
 * Issue #12: event fan-out to 100 webhook subscribers on loopback, and whether it slows the API. EM runs in one child
 * process (serve-notify.ts: the real server with its notification job), the receivers in another
 * (serve-receivers.ts), the load generator here. The API's p99 is measured in alternating rounds without and with a
 * steady fan-out running in EM's process (delivered by its notifications worker thread unless ENVMGR_NOTIFY_THREAD=off
 * is set here); the target is with / without ≤ 1.2.
 */

const SUBSCRIBERS = 100;
/** Seven rounds and a longer warm-up: on a 2-core machine one round's p99 moves by several ms on its own. */
const LOAD = { ratePerSecond: 500, connections: 10, durationS: 8, warmupS: 5, rounds: 7 } as const;
/** A cheap authenticated read: what a pipeline or the UI asks for all day. */
const API_PATH = '/api/v1/config/clusters/Infra';

interface Run { p50Ms: number; p99Ms: number; achievedRps: number; non2xx: number; errors: number }

function load(url: string, token: string, durationS: number): Promise<Run> {
  const samplesMs: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: LOAD.connections,
        overallRate: LOAD.ratePerSecond,
        duration: durationS,
        // see latency.ts: per-request samples in fractional ms, no coordinated-omission back-fill
        ignoreCoordinatedOmission: true,
        requests: [{ method: 'GET', headers: { authorization: `Bearer ${token}` } }],
      },
      (err, result) => {
        if (err) return reject(err);
        samplesMs.sort((a, b) => a - b);
        resolve({
          p50Ms: percentile(samplesMs, 0.5),
          p99Ms: percentile(samplesMs, 0.99),
          achievedRps: result.requests.total / result.duration,
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

async function control<T>(em: ChildServer, path: string, method = 'POST'): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${em.port}${path}`, { method });
  if (!res.ok) throw new BenchFailure(`the benchmark's control ${method} ${path} answered ${res.status}`);
  return (await res.json()) as T;
}

interface LoopDelay { p99Ms: number; maxMs: number }
interface Measured { quiet: Run[]; busy: Run[]; fanOut: { deliveries: number; seconds: number }[]; quietLoop: LoopDelay[]; busyLoop: LoopDelay[]; setup: Record<string, number> }

async function measure(log: (line: string) => void): Promise<Measured> {
  const receivers = await startServer(fileURLToPath(new URL('./serve-receivers.js', import.meta.url)));
  try {
    process.env['BENCH_RECEIVER_URL'] = `http://127.0.0.1:${receivers.port}`;
    log(`notifications: starting EM with ${SUBSCRIBERS} webhook subscriptions and timing one fan-out ...`);
    const em = await startServer(fileURLToPath(new URL('./serve-notify.js', import.meta.url)));
    try {
      const { apiUrl, token } = await control<{ apiUrl: string; token: string }>(em, '/info', 'GET');
      const url = `${apiUrl}${API_PATH}`;
      const first = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      if (!first.ok) throw new BenchFailure(`GET ${API_PATH} answered ${first.status} before the load started`);
      await load(url, token, LOAD.warmupS);
      const out: Measured = { quiet: [], busy: [], fanOut: [], quietLoop: [], busyLoop: [], setup: em.setup };
      for (let round = 1; round <= LOAD.rounds; round++) {
        log(`notifications: round ${round}/${LOAD.rounds}, API without fan-out, ${LOAD.durationS} s at ${LOAD.ratePerSecond} req/s ...`);
        out.quiet.push(await load(url, token, LOAD.durationS));
        log(`notifications: round ${round}/${LOAD.rounds}, API with fan-out to ${SUBSCRIBERS} subscribers running ...`);
        out.quietLoop.push((await control<{ loopDelay: LoopDelay }>(em, '/fanout/start')).loopDelay);
        out.busy.push(await load(url, token, LOAD.durationS));
        const fanOut = await control<{ deliveries: number; seconds: number; loopDelay: LoopDelay }>(em, '/fanout/stop');
        out.fanOut.push(fanOut);
        out.busyLoop.push(fanOut.loopDelay);
      }
      return out;
    } finally {
      await em.stop();
    }
  } finally {
    await receivers.stop();
  }
}

/** Measures fan-out throughput and the API's p99 without and with it, and returns issue #12's table. */
export async function notificationsBenchmark(log: (line: string) => void): Promise<BenchTable> {
  const m = await measure(log);
  const med = (runs: Run[], f: (r: Run) => number) => median(runs.map(f));
  const quietP99 = med(m.quiet, (r) => r.p99Ms);
  const busyP99 = med(m.busy, (r) => r.p99Ms);
  const burstRate = ((m.setup['fanOutDeliveries'] ?? 0) / (m.setup['fanOutMs'] ?? Number.NaN)) * 1000;
  const steadyRate = median(m.fanOut.map((f) => f.deliveries / f.seconds));
  const sum = (runs: Run[], f: (r: Run) => number) => runs.reduce((n, r) => n + f(r), 0);
  const p99s = (runs: Run[]) => runs.map((r) => r.p99Ms.toFixed(2)).join(', ');
  return {
    id: 'notification-fan-out',
    title: `Event fan-out to ${SUBSCRIBERS} webhook subscribers on loopback, and the API's latency while it runs`,
    notes: [
      `EM as npm start runs it (SQLite, notification job in process) in a child process; ${SUBSCRIBERS} subscriptions, each its own URL on one receiver process answering 204; load generator in this process`,
      `burst: ${m.setup['fanOutDeliveries'] ?? 0} deliveries (${(m.setup['fanOutDeliveries'] ?? 0) / SUBSCRIBERS} events × ${SUBSCRIBERS}) appended at once, timed until all were delivered (after one warm-up burst)`,
      `steady: 5 events a second (500 deliveries a second offered) during each API run with fan-out; rate = deliveries made / run time`,
      `API: autocannon GET ${API_PATH} with a bearer token, overallRate ${LOAD.ratePerSecond} req/s, ${LOAD.connections} connections, ${LOAD.rounds} rounds of ${LOAD.durationS} s alternating without and with fan-out; median round`,
      `p99 per round without fan-out: ${p99s(m.quiet)} ms; with: ${p99s(m.busy)} ms`,
      `delivery runs in a worker thread of EM's (ENVMGR_NOTIFY_THREAD=${process.env['ENVMGR_NOTIFY_THREAD'] ?? 'on'}); EM's main-thread event-loop delay is sampled every 5 ms (max per round without: ${m.quietLoop.map((l) => l.maxMs.toFixed(1)).join(', ')}; with: ${m.busyLoop.map((l) => l.maxMs.toFixed(1)).join(', ')} ms)`,
    ],
    metrics: [
      { name: 'fan-out throughput, burst (deliveries/s)', unit: '', measured: Math.round(burstRate) },
      { name: 'fan-out throughput, steady (deliveries/s)', unit: '', measured: Math.round(steadyRate) },
      { name: 'API p50 latency with fan-out', unit: 'ms', measured: med(m.busy, (r) => r.p50Ms), baseline: med(m.quiet, (r) => r.p50Ms) },
      { name: 'API p99 latency with fan-out', unit: 'ms', measured: busyP99, baseline: quietP99, maxRatio: 1.2 },
      { name: "EM main-thread event-loop delay p99 with fan-out", unit: 'ms', measured: median(m.busyLoop.map((l) => l.p99Ms)), baseline: median(m.quietLoop.map((l) => l.p99Ms)) },
      { name: 'API achieved rate with fan-out', unit: 'req/s', measured: med(m.busy, (r) => r.achievedRps), min: LOAD.ratePerSecond * 0.95, baseline: med(m.quiet, (r) => r.achievedRps) },
      { name: 'API non-2xx + errors', unit: '', measured: sum(m.busy, (r) => r.non2xx + r.errors), max: 0, baseline: sum(m.quiet, (r) => r.non2xx + r.errors) },
    ],
  };
}
