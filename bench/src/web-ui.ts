import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { BenchFailure, median, type BenchTable } from './report.js';

/**
 * Issue 10's target: the environment page's servers view, for an environment with 1,000 instances, renders in at
 * most 1 s in headless Chromium, against an empty page from the same server as the baseline.
 *
 * The API is a small fake HTTP server (not EM) that serves the built web app and answers the routes that page reads
 * with 10 generated groups of 100 instances, 2 services each. It measures the browser's work (download, parse, the
 * typed client's schema checks, React's render), not the EM server's: that part has its own benchmarks.
 */
export const WEB_RUN = { groups: 10, perGroup: 100, repeats: 5, targetMs: 1000 } as const;

const ROOT = resolve(import.meta.dirname, '../..');
const WEB = join(ROOT, 'apps/web');
// WEB_DIST measures another build of the UI (e.g. a copy of dist/ from before a change) as it is, without rebuilding
const DIST = process.env['WEB_DIST'] ?? join(WEB, 'dist');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ENV = 'big1';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.svg': 'image/svg+xml' };

type Log = (line: string) => void;

export async function webUiBenchmark(log: Log): Promise<BenchTable> {
  const rows = WEB_RUN.groups * WEB_RUN.perGroup;
  const table: BenchTable = {
    id: 'web-servers-view',
    title: `Web UI: servers view of ${rows} instances, headless Chromium`,
    notes: [
      `API: a FAKE HTTP server in the benchmark (not EM) answering the environment page's routes with ${WEB_RUN.groups} groups x ${WEB_RUN.perGroup} instances (2 services each); the built web app from apps/web/dist`,
      `first meaningful render: navigation start to the first frame painted with the first group's ${WEB_RUN.perGroup} rows in the page and rendered (not skipped by content-visibility)`,
      `all rows: navigation start to the first frame painted with all ${rows} instance rows in the DOM`,
      'baseline: navigation start to the first frame painted after the load event of an empty page from the same server',
      'times are taken in the page (performance.now(), a message posted from requestAnimationFrame runs after that frame is painted)',
      `median of ${WEB_RUN.repeats} cold loads (new browser context each), after one warm-up`,
    ],
    metrics: [],
  };
  if (!existsSync(CHROMIUM)) {
    table.notes.push(`skipped: no browser at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
    return table;
  }
  if (process.env['WEB_DIST'] === undefined) ensureWebBuilt(log);
  else table.notes.push(`the web app measured: ${DIST} (WEB_DIST)`);
  const servers = serversOf(WEB_RUN.groups, WEB_RUN.perGroup);
  const server = await serve(apiRoutes(servers));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  try {
    const view = () => loadOnce(browser, `${base}/environments/${ENV}`, ['first', 'all']);
    await view(); // warm-up: the OS file cache, chromium's own start
    const first: number[] = [];
    const all: number[] = [];
    const empty: number[] = [];
    for (let i = 0; i < WEB_RUN.repeats; i++) {
      empty.push((await loadOnce(browser, `${base}/empty.html`, ['loaded'])).loaded);
      const v = await view();
      first.push(v.first);
      all.push(v.all);
      log(`web-servers-view: run ${i + 1}: first group ${v.first.toFixed(0)} ms, all ${rows} rows ${v.all.toFixed(0)} ms, empty page ${empty[i]?.toFixed(0)} ms`);
    }
    const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} ms`;
    table.notes.push(`ranges: first meaningful render ${range(first)}, all rows ${range(all)}, empty page ${range(empty)}`);
    table.metrics.push({ name: 'servers view, first meaningful render', unit: 'ms', measured: median(first), max: WEB_RUN.targetMs, baseline: median(empty) });
    table.metrics.push({ name: `servers view, all ${rows} rows in the DOM`, unit: 'ms', measured: median(all), baseline: median(empty) });
    table.metrics.push({ name: 'empty page, painted', unit: 'ms', measured: median(empty) });
    return table;
  } finally {
    await browser.close();
    await new Promise((done) => server.close(done));
  }
}

type Mark = 'first' | 'all' | 'loaded';

/**
 * Runs in the page before its scripts: on every animation frame it checks the DOM, and when a condition first holds
 * it posts a message from that frame's callback. The message is handled after the frame is styled, laid out and
 * painted, so the time it records is when the user could see it.
 */
const MARKS_SCRIPT = `(() => {
  const marks = {};
  Object.defineProperty(window, '__benchMarks', { value: marks });
  const perGroup = ${WEB_RUN.perGroup}, all = ${WEB_RUN.groups * WEB_RUN.perGroup};
  const rows = (t) => (t && t.tBodies[0] ? t.tBodies[0].rows.length : 0);
  const pending = new Set();
  const afterPaint = (name, ok) => {
    pending.add(name);
    const ch = new MessageChannel();
    ch.port1.onmessage = () => { pending.delete(name); if (ok()) marks[name] = performance.now(); };
    ch.port2.postMessage(0);
  };
  const firstRendered = () => {
    const row = document.querySelector('table.servers tbody tr');
    return !!row && row.checkVisibility({ contentVisibilityAuto: true });
  };
  const frame = () => {
    const tables = document.querySelectorAll('table.servers');
    if (marks.first === undefined && !pending.has('first') && rows(tables[0]) >= perGroup) afterPaint('first', firstRendered);
    if (marks.all === undefined && !pending.has('all') && document.querySelectorAll('table.servers tbody tr').length >= all) afterPaint('all', () => true);
    if (marks.loaded === undefined && !pending.has('loaded') && document.readyState === 'complete') afterPaint('loaded', () => true);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();`;

/** The in-page marks (ms from navigation start) once all of `wanted` are set, in a fresh context (no cache, no session). */
async function loadOnce<M extends Mark>(browser: Browser, url: string, wanted: M[]): Promise<Record<M, number>> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 860 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(MARKS_SCRIPT);
    await page.goto(url, { waitUntil: 'commit' });
    const ready = wanted.map((m) => `window.__benchMarks.${m} !== undefined`).join(' && ');
    try {
      await page.waitForFunction(ready, undefined, { timeout: 30_000, polling: 100 });
    } catch (err) {
      throw new BenchFailure(`the page at ${url} never got ready (${ready}); it shows: ${(await page.textContent('body'))?.slice(0, 500) ?? ''}`, { cause: err });
    }
    return await page.evaluate<Record<M, number>>('window.__benchMarks');
  } finally {
    await context.close();
  }
}

/** Builds the web app when dist/ is missing or older than its sources. */
function ensureWebBuilt(log: Log): void {
  const index = join(DIST, 'index.html');
  const builtAt = existsSync(index) ? statSync(index).mtimeMs : 0;
  if (builtAt > 0 && newest(join(WEB, 'src')) < builtAt) return;
  log('web-servers-view: building apps/web (vite build)');
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: WEB, stdio: 'inherit' });
}

function newest(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n = Math.max(n, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs);
  return n;
}

type Routes = Record<string, unknown>;

function serve(routes: Routes): Promise<Server> {
  // serialised once: the fake API answers at once, so the figure is the browser's work
  const bodies = new Map(Object.entries(routes).map(([path, body]) => [path, JSON.stringify(body)]));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const json = bodies.get(url.pathname);
    if (url.pathname.startsWith('/api/')) {
      res.writeHead(json === undefined ? 404 : 200, { 'content-type': json === undefined ? 'application/problem+json' : 'application/json' });
      res.end(json ?? JSON.stringify({ type: '/problems/not-found', title: 'not-found', status: 404, detail: `no route ${url.pathname}`, code: 'not-found' }));
      return;
    }
    if (url.pathname === '/empty.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>empty</title></head><body></body></html>');
      return;
    }
    const file = normalize(join(DIST, url.pathname));
    const path = file.startsWith(DIST) && existsSync(file) && statSync(file).isFile() ? file : join(DIST, 'index.html');
    readFile(path).then(
      (body) => {
        res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(body);
      },
      () => {
        res.writeHead(500);
        res.end();
      },
    );
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

const health = (n: number) => ({ status: 'passing', instances: n, passing: n, warning: 0, critical: 0 });

function apiRoutes(servers: unknown): Routes {
  const e = `/api/v1/environments/${ENV}`;
  const summary = (service: string) => ({ service, target: [], versions: ['1.4.2'], slices: [{ slice: 'none', versions: ['1.4.2'], health: health(1000) }], health: health(1000) });
  return {
    '/api/v1/whoami': { name: 'admin', kind: 'user', user: 'admin', isAdmin: true, permissions: [{ Resource: '**', Access: 'ADMIN' }] },
    [`${e}/ops`]: { environment: ENV, deployLock: { locked: false }, maintenance: { inMaintenance: false }, schedule: { manualScheduleUp: false, scheduleAutomatically: true, defaultSchedule: '247' } },
    [`${e}/servers`]: servers,
    '/api/v1/services': { environment: ENV, services: [summary('Orders'), summary('Payments')] },
    [`${e}/schedule`]: { environment: ENV, manualScheduleUp: false, scheduleAutomatically: true, defaultSchedule: '247' },
    [`${e}/schedule-status`]: { Status: 'ON', environment: ENV, at: '2026-11-23T12:00:00.000Z', source: 'environment', schedule: '247', reason: 'the schedule is 247' },
    '/api/v1/instances': [],
  };
}

/** `groups` groups of `perGroup` running instances, each with two healthy services. */
export function serversOf(groups: number, perGroup: number): unknown {
  let n = 0;
  return {
    environment: ENV,
    converged: true,
    groups: Array.from({ length: groups }, (_, g) => ({
      environment: ENV,
      name: `${ENV}-in-role${g}`,
      role: `role${g}`,
      cluster: 'Infra',
      size: { min: perGroup, desired: perGroup, max: perGroup * 2 },
      converged: true,
      instances: Array.from({ length: perGroup }, () => {
        n++;
        const id = `i-${n.toString(16).padStart(17, '0')}`;
        return {
          id, name: `${ENV}-role${g}-${n}`, state: 'running', lifecycle: 'InService', health: 'Healthy', address: `10.${g}.${Math.floor(n / 250)}.${n % 250}`,
          launchTime: '2026-11-23T08:00:00.000Z', role: `role${g}`, converged: true, differences: [],
          services: ['Orders', 'Payments'].map((service, s) => ({
            service, slice: 'none', serviceId: `${service}-${id}`, version: '1.4.2', deploymentId: 'd-1', port: 40000 + s, status: 'passing', matchesTarget: true,
          })),
        };
      }),
    })),
  };
}
