import { createServer, type IncomingMessage } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { startServer } from '@envmgr/server/testing';
import { announce, stopOnRequest } from './child-server.js';

/*
 * EM as `npm start` runs it (SQLite, the notification job in process), with SUBSCRIBERS webhook subscriptions to
 * the receivers at BENCH_RECEIVER_URL. Forked by notifications.ts. Before it reports, it measures one fan-out:
 * EVENTS events appended to the event log at once, timed until every delivery is made. Then a control server on
 * loopback (the port it announces) lets the parent start and stop a steady fan-out while it measures the API:
 *   GET /info          → { apiUrl, token }
 *   POST /fanout/start → EVENTS_PER_S events are appended every second (in five steps), each to every subscriber;
 *                        answers { loopDelay } of EM's main thread since the last stop (the quiet run)
 *   POST /fanout/stop  → { deliveries, seconds, loopDelay } made and measured while it ran
 * The loop delay (p99 and max, ms) shows directly whether delivery work holds up the thread that serves the API.
 */

const SUBSCRIBERS = 100;
const EVENTS = 50;
/** Events appended per second while the steady fan-out runs: × SUBSCRIBERS deliveries a second. */
const EVENTS_PER_S = 5;

const receiverUrl = process.env['BENCH_RECEIVER_URL'];
if (!receiverUrl) throw new TypeError('BENCH_RECEIVER_URL is not set: serve-notify.js is started by notifications.ts');

// ENVMGR_NOTIFY_THREAD=off in the bench's environment measures delivery in the API's event loop instead
const em = await startServer({ env: { ENVMGR_NOTIFY_INTERVAL_MS: '200', ENVMGR_NOTIFY_THREAD: process.env['ENVMGR_NOTIFY_THREAD'] ?? 'on' } });
const json = { 'content-type': 'application/json' };
for (let i = 0; i < SUBSCRIBERS; i++) {
  const body = { name: `bench ${i}`, eventTypes: ['traffic.toggled'], channel: { kind: 'webhook', url: `${receiverUrl}/s/${i}` } };
  const r = await em.fetch('/api/v1/subscriptions', { method: 'POST', headers: json, body: JSON.stringify(body) });
  if (r.status !== 201) throw new TypeError(`creating subscription ${i} answered ${r.status}: ${await r.text()}`);
}
const cluster = await em.fetch('/api/v1/config/clusters', { method: 'POST', headers: json, body: JSON.stringify({ ClusterName: 'Infra', Value: { ShortName: 'IN' } }) });
if (cluster.status !== 201) throw new TypeError(`creating cluster Infra answered ${cluster.status}`);

const { store } = em.server.notifications;
let seq = 0;
async function append(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    seq += 1;
    await store.appendEvent({ id: `bench-${seq}`, type: 'traffic.toggled', at: new Date().toISOString(), actor: 'bench', subject: { environment: 'bench', service: 'Hello' }, payload: { n: seq } });
  }
  em.server.notifier.wake();
}
const delivered = async () => (await store.countDeliveries()).delivered;

async function timedFanOut(): Promise<{ ms: number; deliveries: number }> {
  const before = await delivered();
  const started = performance.now();
  await append(EVENTS);
  const goal = before + EVENTS * SUBSCRIBERS;
  while ((await delivered()) < goal) await new Promise((r) => setTimeout(r, 25));
  return { ms: performance.now() - started, deliveries: EVENTS * SUBSCRIBERS };
}

await timedFanOut(); // warm-up: connections to the receivers, prepared statements, JIT
const measured = await timedFanOut();

const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
/** EM's main-thread event-loop delay since the last call, beyond the sampling interval, in ms. */
function loopDelay(): { p99Ms: number; maxMs: number } {
  const r = { p99Ms: Math.max(0, loop.percentile(99) / 1e6 - 5), maxMs: Math.max(0, loop.max / 1e6 - 5) };
  loop.reset();
  return r;
}

let storm: { timer: ReturnType<typeof setInterval>; startedAt: number; from: number } | undefined;
async function startFanOut(): Promise<{ loopDelay: { p99Ms: number; maxMs: number } }> {
  const quiet = loopDelay();
  if (storm) return { loopDelay: quiet };
  // a steady rate, not a poll of the backlog: counting deliveries would cost the process more than it measures
  storm = { timer: setInterval(() => void append(EVENTS_PER_S / 5), 200), startedAt: performance.now(), from: await delivered() };
  return { loopDelay: quiet };
}
async function stopFanOut(): Promise<{ deliveries: number; seconds: number; loopDelay: { p99Ms: number; maxMs: number } }> {
  const busy = loopDelay();
  if (!storm) return { deliveries: 0, seconds: 0, loopDelay: busy };
  clearInterval(storm.timer);
  const result = { deliveries: (await delivered()) - storm.from, seconds: (performance.now() - storm.startedAt) / 1000, loopDelay: busy };
  storm = undefined;
  // let the backlog drain, so that the next quiet run is quiet
  while ((await store.countDeliveries()).pending > 0) await new Promise((r) => setTimeout(r, 50));
  loopDelay();
  return result;
}

const control = createServer((req: IncomingMessage, res) => {
  const answer = (body: unknown) => res.writeHead(200, json).end(JSON.stringify(body));
  req.resume();
  if (req.url === '/info') return answer({ apiUrl: em.url, token: em.token });
  if (req.method === 'POST' && req.url === '/fanout/start') return void startFanOut().then(answer);
  if (req.method === 'POST' && req.url === '/fanout/stop') return void stopFanOut().then(answer);
  res.writeHead(404).end();
});
control.listen(0, '127.0.0.1', () => announce((control.address() as AddressInfo).port, { fanOutMs: measured.ms, fanOutDeliveries: measured.deliveries }));

stopOnRequest(async () => {
  if (storm) clearInterval(storm.timer);
  control.close();
  await em.stop();
});
