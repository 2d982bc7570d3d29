import { Agent, get, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startServer, type ChildServer } from './child-server.js';
import { BenchFailure, median, percentile, type BenchTable } from './report.js';

/** How the router is loaded; the same for the router and the direct baseline. */
export const ROUTER_LOAD = {
  /** Fixed-rate runs for latency. */
  ratePerSecond: 1000,
  /** Unthrottled runs for throughput: as many requests as the connections can get answered. */
  connections: 10,
  durationS: 8,
  warmupS: 2,
  /** Measured runs per target and kind, alternating direct and routed; the median run's figures are reported. */
  rounds: 3,
} as const;

/** The virtual host the router child serves (serve-router.ts). */
const HOST = 'hello.bench.example.com';

interface Run {
  p50Ms: number;
  p99Ms: number;
  rps: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/*
 * Throughput (and warm-up): autocannon without a rate, latencies from its per-request 'response' event
 * (process.hrtime, fractional ms) as in latency.ts, its histogram keeping whole milliseconds only.
 */
function load(url: string, durationS: number): Promise<Run> {
  const samples: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: ROUTER_LOAD.connections,
        duration: durationS,
        requests: [{ method: 'GET', path: '/', headers: { host: HOST } }],
      },
      (err, result) => {
        if (err) return reject(err);
        samples.sort((a, b) => a - b);
        resolve({
          p50Ms: percentile(samples, 0.5),
          p99Ms: percentile(samples, 0.99),
          rps: result.requests.total / result.duration,
          requests: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
        });
      },
    );
    instance.on('response', (_c, status, _b, ms) => {
      if (status >= 200 && status < 300) samples.push(ms);
    });
  });
}

/**
 * Latency at a fixed rate with evenly spaced arrivals: a request is started every 1/rate s (late ticks catch up at
 * once), each timed from its start to its last byte (performance.now, fractional ms), over keep-alive connections
 * opened as needed. autocannon's overallRate sends each connection's budget back to back at the start of each second,
 * so its latencies measure how fast a burst drains, which is throughput again; evenly spaced requests measure what a
 * request pays for going through the router.
 */
function paced(url: string, ratePerSecond: number, durationS: number): Promise<Run> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const { hostname, port } = new URL(url);
  const samples: number[] = [];
  let [sent, open, non2xx, errors] = [0, 0, 0, 0];
  const startedAt = performance.now();
  return new Promise((resolve) => {
    let stopped = false;
    const finish = () => {
      agent.destroy();
      samples.sort((a, b) => a - b);
      const elapsedS = (performance.now() - startedAt) / 1000;
      resolve({ p50Ms: percentile(samples, 0.5), p99Ms: percentile(samples, 0.99), rps: samples.length / elapsedS, requests: sent, non2xx, errors });
    };
    const done = () => {
      open--;
      if (stopped && open === 0) finish();
    };
    const fire = () => {
      sent++;
      open++;
      const t0 = performance.now();
      const req = request({ hostname, port, path: '/', agent, headers: { host: HOST } }, (res) => {
        res.resume();
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) samples.push(performance.now() - t0);
          else non2xx++;
          done();
        });
      });
      req.on('error', () => {
        errors++;
        done();
      });
      req.end();
    };
    const tick = () => {
      const elapsedMs = performance.now() - startedAt;
      if (elapsedMs >= durationS * 1000) {
        stopped = true;
        if (open === 0) finish();
        return;
      }
      while (sent < Math.floor((elapsedMs * ratePerSecond) / 1000)) fire();
      setTimeout(tick, 1);
    };
    tick();
  });
}

/** One GET with the virtual host's Host header (fetch cannot set Host). */
function preflight(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers: { host: HOST } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(new BenchFailure(`GET ${url} answered ${status}, not 2xx, before the load started: ${body.slice(0, 300)}`));
      });
    });
    req.on('error', (err) => reject(new BenchFailure(`GET ${url} failed before the load started: ${err.message}`, { cause: err })));
  });
}

async function startRouter(instancePort: number): Promise<ChildServer> {
  // the child reads the instance's port from its environment, which fork copies from ours
  process.env.BENCH_INSTANCE_PORT = String(instancePort);
  try {
    return await startServer(fileURLToPath(new URL('./serve-router.js', import.meta.url)));
  } finally {
    delete process.env.BENCH_INSTANCE_PORT;
  }
}

const combine = (runs: readonly Run[]): Run => ({
  p50Ms: median(runs.map((r) => r.p50Ms)),
  p99Ms: median(runs.map((r) => r.p99Ms)),
  rps: median(runs.map((r) => r.rps)),
  requests: runs.reduce((n, r) => n + r.requests, 0),
  non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
  errors: runs.reduce((n, r) => n + r.errors, 0),
});

/** Measures requests through the edge router against the same requests sent to the instance directly. */
export async function routerBenchmark(log: (line: string) => void): Promise<BenchTable> {
  const instance = await startServer(fileURLToPath(new URL('./serve-instance.js', import.meta.url)));
  try {
    const router = await startRouter(instance.port);
    try {
      const targets = [
        { label: 'direct', url: `http://127.0.0.1:${instance.port}`, latency: [] as Run[], throughput: [] as Run[] },
        { label: 'router', url: `http://127.0.0.1:${router.port}`, latency: [] as Run[], throughput: [] as Run[] },
      ];
      for (const t of targets) {
        await preflight(`${t.url}/`);
        await load(t.url, ROUTER_LOAD.warmupS);
      }
      for (let round = 1; round <= ROUTER_LOAD.rounds; round++) {
        for (const t of targets) {
          log(`router: round ${round}/${ROUTER_LOAD.rounds}, ${t.label}: ${ROUTER_LOAD.durationS} s at ${ROUTER_LOAD.ratePerSecond} req/s, then ${ROUTER_LOAD.durationS} s unthrottled ...`);
          t.latency.push(await paced(t.url, ROUTER_LOAD.ratePerSecond, ROUTER_LOAD.durationS));
          t.throughput.push(await load(t.url, ROUTER_LOAD.durationS));
        }
      }
      const [direct, routed] = targets;
      if (!direct || !routed) throw new BenchFailure('no targets were measured');
      return table(direct, routed);
    } finally {
      await router.stop();
    }
  } finally {
    await instance.stop();
  }
}

function table(direct: { latency: Run[]; throughput: Run[] }, routed: { latency: Run[]; throughput: Run[] }): BenchTable {
  const [dl, rl] = [combine(direct.latency), combine(routed.latency)];
  const [dt, rt] = [combine(direct.throughput), combine(routed.throughput)];
  const list = (runs: readonly Run[], f: (r: Run) => number, digits: number) => runs.map((r) => f(r).toFixed(digits)).join(', ');
  return {
    id: 'edge-router',
    title: 'Edge router: GET / of an instance through the built-in edge router vs. directly',
    notes: [
      `latency: ${ROUTER_LOAD.ratePerSecond} req/s evenly spaced (a request every ${1000 / ROUTER_LOAD.ratePerSecond} ms, keep-alive); throughput: autocannon unthrottled, ${ROUTER_LOAD.connections} connections; ` +
        `${ROUTER_LOAD.rounds} rounds of ${ROUTER_LOAD.durationS} s of each per target, alternating direct and routed, after a ${ROUTER_LOAD.warmupS} s warm-up each`,
      `p99 per round, routed: ${list(routed.latency, (r) => r.p99Ms, 2)} ms; direct: ${list(direct.latency, (r) => r.p99Ms, 2)} ms; ` +
        `throughput per round, routed: ${list(routed.throughput, (r) => r.rps, 0)} req/s; direct: ${list(direct.throughput, (r) => r.rps, 0)} req/s`,
      'the instance (plain node:http, the example service’s JSON answer) and the router (registry with one passing instance, one ' +
        'virtual host, one upstream, keep-alive to the instance) run in child processes; the load generator in this one: on 2 cores the ' +
        'routed runs share them three ways, the direct runs two',
      'baseline: the same requests sent to the instance directly, measured in the same run',
    ],
    metrics: [
      { name: 'p99 latency overhead', unit: 'ms', measured: rl.p99Ms - dl.p99Ms, max: 1 },
      { name: 'p99 latency', unit: 'ms', measured: rl.p99Ms, baseline: dl.p99Ms },
      { name: 'p50 latency', unit: 'ms', measured: rl.p50Ms, baseline: dl.p50Ms },
      { name: 'throughput', unit: 'req/s', measured: rt.rps, baseline: dt.rps },
      { name: 'throughput share of direct', unit: '', measured: dt.rps > 0 ? rt.rps / dt.rps : 0, min: 0.5 },
      { name: 'achieved rate (latency runs)', unit: 'req/s', measured: rl.rps, min: ROUTER_LOAD.ratePerSecond * 0.95, baseline: dl.rps },
      { name: 'non-2xx responses', unit: '', measured: rl.non2xx + rt.non2xx, max: 0, baseline: dl.non2xx + dt.non2xx },
      { name: 'errors + timeouts', unit: '', measured: rl.errors + rt.errors, max: 0, baseline: dl.errors + dt.errors },
    ],
  };
}
