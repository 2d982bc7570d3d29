import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processesUnder } from './local-compute.js';
import { startFullServer, type FullServer, waitFor as waitForUntil } from './testing.js';
import { freePort, HAS_NGINX, startEdge, startNginx } from './testing-nginx.js';

// Issue 7's acceptance, end to end in embedded mode: a blue/green deployment of the example service to the inactive
// slice and a toggle, under a steady request loop through the built-in edge router, and the same through a real nginx
// kept configured by `envmgr edge --registry` (when nginx is installed), fail no request, and answers switch from 1.0.0
// to 1.1.0 at the toggle. Then a canary that degrades rolls back by itself.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const EXAMPLE = join(ROOT, 'examples/hello-service');
const QUICKSTART = join(ROOT, 'examples/quickstart');
const ENV = 'dev1';
const SERVICE = 'Hello';
const GROUP = 'dev1-in-Web';
const VHOST_HOST = 'hello.dev1.example.com';
const json = { 'content-type': 'application/json' };
/** The loop's pace: one request every 50 ms (20 per second), each sent without waiting for the previous. */
const INTERVAL_MS = 50;

interface Dep {
  id: string;
  status: string;
  reason?: string;
  log?: string[];
}

interface Sample {
  sentAt: number;
  doneAt: number;
  status: number;
  version?: string;
  slice?: string;
  error?: string;
}

/** {@link waitForUntil} with this suite's polling pace. */
function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  return waitForUntil(what, probe, { timeoutMs, intervalMs: 200 });
}

/** One GET through the edge router as a client of the virtual host sends it (keep-alive, Host header). */
function viaRouter(port: number, agent: Agent, headers: Record<string, string> = {}): Promise<Omit<Sample, 'sentAt' | 'doneAt'>> {
  return new Promise((resolveSample) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent, headers: { host: VHOST_HOST, ...headers }, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        let version: string | undefined;
        try {
          version = (JSON.parse(body) as { version?: string }).version;
        } catch {
          version = undefined;
        }
        resolveSample({ status: res.statusCode ?? 0, ...(version ? { version } : {}), ...(res.headers['x-envmgr-slice'] ? { slice: String(res.headers['x-envmgr-slice']) } : {}) });
      });
      res.on('error', (err) => resolveSample({ status: 0, error: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 5 s')));
    req.on('error', (err) => resolveSample({ status: 0, error: err.message }));
    req.end();
  });
}

/** Sends a request every INTERVAL_MS until stopped (or 120 s), recording each answer. */
function startLoop(port: number) {
  const agent = new Agent({ keepAlive: true });
  const samples: Sample[] = [];
  const pending = new Set<Promise<void>>();
  const startedAt = Date.now();
  const timer = setInterval(() => {
    if (Date.now() - startedAt > 120_000) return;
    const sentAt = Date.now();
    const p = viaRouter(port, agent).then((s) => void samples.push({ ...s, sentAt, doneAt: Date.now() }));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  }, INTERVAL_MS);
  return {
    samples,
    startedAt,
    async stop(): Promise<Sample[]> {
      clearInterval(timer);
      await Promise.all([...pending]);
      agent.destroy();
      return samples.sort((a, b) => a.sentAt - b.sentAt);
    },
  };
}


describe('blue/green deployment and toggle through the edge router (embedded mode)', () => {
  let s: FullServer;
  let edgePort: number;
  /** nginx on loopback, configured by `envmgr edge`; undefined without nginx. */
  let nginx: { port: number; stop: () => void; log: () => string } | undefined;
  const env = { ENVMGR_HEALTH_DEADLINE_MS: '8000', ENVMGR_DRIVER_INTERVAL_MS: '200' };

  const post = async (path: string, body: unknown) => s.fetch(path, { method: 'POST', headers: json, body: JSON.stringify(body) });
  const deploy = async (version: string, slice: 'blue' | 'green') => {
    const r = await post('/api/v1/deployments', { environment: ENV, service: SERVICE, version, mode: 'bluegreen', slice });
    expect(r.status, await r.clone().text()).toBe(202);
    return (await r.json()) as Dep;
  };
  const ended = (id: string) =>
    waitFor(`deployment ${id} to end`, async () => {
      const d = (await (await s.fetch(`/api/v1/deployments/${id}`)).json()) as Dep;
      return ['succeeded', 'failed', 'cancelled'].includes(d.status) ? d : undefined;
    });
  const toggle = (query: string) => s.fetch(`/api/v1/services/${SERVICE}/slices/toggle?environment=${ENV}${query}`, { method: 'PUT' });

  beforeAll(async () => {
    execFileSync(process.execPath, [join(EXAMPLE, 'build.mjs')], { stdio: 'ignore' });
    s = await startFullServer({ env });
    if (!s.edge) throw new TypeError('the edge router did not start');
    edgePort = s.edge.port;
    const nginxPort = HAS_NGINX ? await freePort() : 0;
    const map = JSON.parse(await readFile(join(QUICKSTART, 'deployment-map.json'), 'utf8')) as { Value: { DeploymentTarget: { AutoScalingSettings: Record<string, number> }[] } };
    // two instances are enough to show a round robin, and start faster than the quickstart's three
    map.Value.DeploymentTarget[0]!.AutoScalingSettings = { MinCapacity: 1, DesiredCapacity: 2, MaxCapacity: 4 };
    for (const [type, body] of [
      ['clusters', await readFile(join(QUICKSTART, 'cluster.json'), 'utf8')],
      ['environment-types', await readFile(join(QUICKSTART, 'environment-type.json'), 'utf8')],
      ['services', await readFile(join(QUICKSTART, 'service.json'), 'utf8')],
      ['deployment-maps', JSON.stringify(map)],
      ['environments', await readFile(join(QUICKSTART, 'environment.json'), 'utf8')],
      ['upstreams', JSON.stringify({ Value: { EnvironmentName: ENV, UpstreamName: 'dev1-hello', ServiceName: SERVICE, Hosts: [
        { DnsName: 'dev1-Hello-blue', Port: 40100, State: 'up' },
        { DnsName: 'dev1-Hello-green', Port: 40101, State: 'down' },
      ] } })],
      ['lb-settings', JSON.stringify({ EnvironmentName: ENV, VHostName: 'hello', Value: {
        ServerName: [VHOST_HOST], Locations: [{ Path: '/', ProxyPass: 'http://dev1-hello' }],
        // nginx listens here; the built-in router routes by Host alone
        ...(HAS_NGINX ? { Listen: [{ IP: '127.0.0.1', Port: nginxPort }] } : {}),
      } })],
    ] as const) {
      const r = await s.fetch(`/api/v1/config/${type}`, { method: 'POST', headers: json, body });
      expect(r.status, `${type}: ${await r.text()}`).toBe(201);
    }
    for (const version of ['1.0.0', '1.1.0', '1.4.0-degrades']) {
      const zip = join(s.dataDir, `${SERVICE}-${version}.zip`);
      execFileSync('zip', ['-q', '-r', '-X', zip, '.'], { cwd: join(EXAMPLE, 'dist', version) });
      const r = await s.fetch(`/api/v1/packages/${SERVICE}/${version}`, { method: 'PUT', headers: { 'content-type': 'application/zip' }, body: await readFile(zip) });
      expect(r.status, await r.text()).toBe(201);
    }
    if (HAS_NGINX) {
      const dir = join(s.dataDir, 'nginx');
      await mkdir(dir);
      const started = await startNginx(dir);
      // the servers of each slice are its passing instances, read from the built-in registry (its Consul API)
      const edge = startEdge({ em: s, dir, group: 'Dev', main: started.main, confDir: started.confDir, args: ['--registry', s.registryUrl, '--interval', '1'] });
      nginx = { port: nginxPort, log: edge.log, stop: () => { edge.edge.kill('SIGTERM'); started.nginx.kill('SIGTERM'); } };
    } else {
      console.warn('traffic.int.test.ts: nginx is missing, so only the edge router is tested (apt-get install nginx-light; .ci/run installs it)');
    }
  }, 120_000);

  afterAll(async () => {
    nginx?.stop();
    await s?.compute.deleteGroup(GROUP, { force: true }).catch(() => undefined);
    await s?.stop();
    // deleting the group ends its instances; anything still running from this test's data dir is ended by pid
    for (const pid of processesUnder(s.dataDir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }, 60_000);

  it('serves 1.0.0 from the blue slice once it is deployed; the empty green slice cannot be activated (422)', async () => {
    const first = await ended((await deploy('1.0.0', 'blue')).id);
    expect(first.status, first.reason).toBe('succeeded');
    const agent = new Agent({ keepAlive: true });
    try {
      const answer = await waitFor('the edge router to serve 1.0.0', async () => {
        const a = await viaRouter(edgePort, agent);
        return a.status === 200 ? a : undefined;
      }, 30_000);
      expect(answer).toMatchObject({ version: '1.0.0', slice: 'blue' });
      expect((await viaRouter(edgePort, agent, { 'x-envmgr-slice': 'green' })).status).toBe(503);
    } finally {
      agent.destroy();
    }
    const refused = await toggle('&active=green');
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ code: 'slice-unhealthy', slice: 'green' });
  }, 120_000);

  it('deploys 1.1.0 to the inactive green slice and toggles under load: no request fails, answers switch at the toggle', async () => {
    if (nginx) {
      const n = nginx;
      await waitFor('nginx to serve 1.0.0', async () => {
        const a = await viaRouter(n.port, new Agent());
        return a.status === 200 && a.version === '1.0.0' ? a : undefined;
      }, 30_000).catch((err: unknown) => {
        throw new TypeError(`${String(err)}\nedge log:\n${n.log()}`);
      });
    }
    const loop = startLoop(edgePort);
    const nginxLoop = nginx ? startLoop(nginx.port) : undefined;
    let toggleSentAt = 0;
    let toggleAnsweredAt = 0;
    try {
      const green = await deploy('1.1.0', 'green');
      // refused while that deployment runs
      const busy = await toggle('');
      expect(busy.status).toBe(409);
      expect(await busy.json()).toMatchObject({ code: 'deployment-in-progress', activeDeploymentId: green.id });
      const done = await ended(green.id);
      expect(done.status, done.reason).toBe('succeeded');

      // the test address answers from the new slice while traffic still goes to the old one
      const agent = new Agent({ keepAlive: true });
      const tested = await waitFor('green to answer on the test address', async () => {
        const a = await viaRouter(edgePort, agent, { 'x-envmgr-slice': 'green' });
        return a.status === 200 ? a : undefined;
      }, 30_000);
      expect(tested).toMatchObject({ version: '1.1.0', slice: 'green' });
      expect(await viaRouter(edgePort, agent)).toMatchObject({ status: 200, version: '1.0.0', slice: 'blue' });
      agent.destroy();

      // at least 8 s of load before the toggle, and 4 s after it (7 s with nginx, which reloads)
      await new Promise((r) => setTimeout(r, Math.max(0, loop.startedAt + 8000 - Date.now())));
      toggleSentAt = Date.now();
      const r = await toggle('');
      toggleAnsweredAt = Date.now();
      expect(r.status, await r.clone().text()).toBe(200);
      expect(await r.json()).toMatchObject({ ToggledUpstreams: ['dev1-hello'], Upstreams: [{ ActiveSlice: 'green' }] });
      await new Promise((r2) => setTimeout(r2, nginx ? 7000 : 4000));
    } finally {
      const samples = await loop.stop();
      const viaNginx = await nginxLoop?.stop();
      if (viaNginx && toggleSentAt > 0) {
        const failedThere = viaNginx.filter((x) => x.status !== 200 || x.error !== undefined);
        expect(failedThere, `through nginx: ${JSON.stringify(failedThere.slice(0, 5))}\n${nginx?.log() ?? ''}`).toEqual([]);
        expect(new Set(viaNginx.filter((x) => x.doneAt < toggleSentAt).map((x) => x.version))).toEqual(new Set(['1.0.0']));
        // nginx hears of the toggle through the event stream, renders, tests and reloads: within a few seconds
        const late = viaNginx.filter((x) => x.sentAt > toggleAnsweredAt + 3000);
        expect(late.length).toBeGreaterThanOrEqual(10);
        expect(new Set(late.map((x) => x.version))).toEqual(new Set(['1.1.0']));
      }
      const failed = samples.filter((x) => x.status !== 200 || x.error !== undefined);
      expect(failed, JSON.stringify(failed.slice(0, 5))).toEqual([]);
      expect(samples.length).toBeGreaterThanOrEqual(200);
      if (toggleSentAt > 0) {
        const before = samples.filter((x) => x.doneAt < toggleSentAt);
        const after = samples.filter((x) => x.sentAt > toggleAnsweredAt + 250);
        expect(new Set(before.map((x) => x.version))).toEqual(new Set(['1.0.0']));
        expect(after.length).toBeGreaterThanOrEqual(40);
        expect(new Set(after.map((x) => x.version))).toEqual(new Set(['1.1.0']));
        // one switch: once an answer sent after the toggle says 1.1.0, no later one says 1.0.0
        const firstNew = samples.findIndex((x) => x.version === '1.1.0');
        expect(samples.slice(firstNew).filter((x) => x.version === '1.0.0' && x.sentAt > toggleAnsweredAt)).toEqual([]);
      }
    }
    const slices = (await (await s.fetch(`/api/v1/services/${SERVICE}/slices?environment=${ENV}`)).json()) as { slices: { slice: string; active: boolean | null; versions: string[] }[] };
    expect(slices.slices.map((x) => [x.slice, x.active, x.versions])).toEqual([
      ['blue', false, ['1.0.0']],
      ['green', true, ['1.1.0']],
    ]);
  }, 180_000);

  it('a canary of a version that degrades under traffic rolls back by itself; the new slice got no more than its step\'s share', async () => {
    const loop = startLoop(edgePort);
    let d: Dep | undefined;
    try {
      const r = await post('/api/v1/deployments', {
        environment: ENV, service: SERVICE, version: '1.4.0-degrades', mode: 'bluegreen', slice: 'blue',
        canary: { steps: [10], stepSeconds: 60, maxErrorRate: 0.05, minRequests: 3 },
      });
      expect(r.status, await r.clone().text()).toBe(202);
      d = await ended(((await r.json()) as Dep).id);
      await new Promise((r2) => setTimeout(r2, 2000));
    } finally {
      await loop.stop();
    }
    expect(d.status, d.reason).toBe('failed');
    expect(d.reason).toMatch(/^canary rolled back at 10% to blue: .*; all traffic is back on green$/);
    // the canary's window, from the deployment's log: its first step until it ended
    const at = (re: RegExp) => Date.parse(/^\[([^\]]+)\]/.exec(d?.log?.find((l) => re.test(l)) ?? '')?.[1] ?? '');
    const from = at(/canary: step 1 of 1: 10% of traffic to blue/);
    const to = at(/failed: canary rolled back/);
    expect(to).toBeGreaterThan(from);
    const window = loop.samples.filter((x) => x.sentAt >= from && x.sentAt <= to);
    const toBlue = window.filter((x) => x.slice === 'blue');
    expect(window.length).toBeGreaterThanOrEqual(5);
    // smooth weighted round robin: at most one in ten, plus one in flight when the weights changed
    expect(toBlue.length).toBeLessThanOrEqual(Math.ceil(window.length * 0.1) + 1);
    // every failure came from the canary; after the rollback only green answers
    expect(loop.samples.filter((x) => x.status !== 200 && x.slice !== 'blue')).toEqual([]);
    const after = loop.samples.filter((x) => x.sentAt > to + 500);
    expect(after.length).toBeGreaterThan(10);
    expect(new Set(after.map((x) => `${x.status} ${x.slice} ${x.version}`))).toEqual(new Set(['200 green 1.1.0']));
  }, 180_000);
});
