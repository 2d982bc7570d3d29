import { execFileSync } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryCompute } from '@envmgr/adapter-memory';
import { startTestSmtpServer, type TestSmtpServer } from '@envmgr/adapter-notify/testing';
import { isFreshSignature, parseSignatureHeader } from '@envmgr/domain';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { startServer, waitFor, type RunningServer } from '../testing.js';

// Issue 12's acceptance in embedded mode: a failed deployment reaches each matching webhook subscription once,
// signed, and the environment's owners by email; a receiver that is down gets everything later, in order.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const EXAMPLE = join(ROOT, 'examples/hello-service');
const QUICKSTART = join(ROOT, 'examples/quickstart');
const json = { 'content-type': 'application/json' };

/** A sample's value in a /metrics answer (which must parse), 0 when absent. */
async function metric(s: RunningServer, name: string, labels: Record<string, string>): Promise<number> {
  const r = await fetch(`${s.url}/metrics`);
  expect(r.status).toBe(200);
  const family = parsePrometheusTextFormat(await r.text()).find((f) => f.name === name);
  return Number(family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value ?? 0);
}

interface Hit { path: string; headers: Record<string, string | string[] | undefined>; body: string }

// both ways EM delivers: from its notifications worker thread (the default) and in the API's event loop
describe.each([
  { thread: 'on', runsIn: 'worker-thread' },
  { thread: 'off', runsIn: 'event-loop' },
] as const)('notifications end to end (embedded mode, ENVMGR_NOTIFY_THREAD=$thread)', ({ thread, runsIn }) => {
  let s: RunningServer;
  let smtp: TestSmtpServer;
  let receiver: HttpServer;
  let hookBase: string;
  const hits: Hit[] = [];
  let down = false;

  const subscribe = async (body: unknown) => {
    const r = await s.fetch('/api/v1/subscriptions', { method: 'POST', headers: json, body: JSON.stringify(body) });
    expect(r.status, await r.clone().text()).toBe(201);
    return (await r.json()) as { subscription: { id: string }; secret?: string };
  };

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (down) return void res.writeHead(503).end();
        hits.push({ path: req.url ?? '', headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    smtp = await startTestSmtpServer();
    s = await startServer({
      env: {
        ENVMGR_SMTP_HOST: smtp.host, ENVMGR_SMTP_PORT: String(smtp.port), ENVMGR_MAIL_FROM: 'em@example.com',
        ENVMGR_NOTIFY_RETRY_BASE_MS: '100', ENVMGR_NOTIFY_RETRY_MAX_DELAY_MS: '300', ENVMGR_NOTIFY_MAX_ATTEMPTS: '100', ENVMGR_NOTIFY_INTERVAL_MS: '100',
        ENVMGR_DEPLOYMENT_TIMEOUT_MS: '1000', ENVMGR_DRIVER_INTERVAL_MS: '100', ENVMGR_NOTIFY_THREAD: thread,
      },
    });
    // instances that never report: the deployment fails by its timeout
    expect(s.server.notifier.runsIn).toBe(runsIn);
    s.server.compute.bind(createMemoryCompute());
    s.server.startDriver();
    const settings = { NotificationSettingsId: 'dev1-team', Value: { NotificationEmail: ['dev1-team@example.com'] } };
    expect((await s.fetch('/api/v1/config/notification-settings', { method: 'POST', headers: json, body: JSON.stringify(settings) })).status).toBe(201);
    for (const [file, type] of [['cluster', 'clusters'], ['environment-type', 'environment-types'], ['service', 'services'], ['deployment-map', 'deployment-maps'], ['environment', 'environments']]) {
      const doc = JSON.parse(await readFile(join(QUICKSTART, `${file}.json`), 'utf8')) as { Value: Record<string, unknown> };
      if (type === 'environments') Object.assign(doc.Value, { AlertSettings: 'Custom', NotificationSettingsId: 'dev1-team' });
      const r = await s.fetch(`/api/v1/config/${type}`, { method: 'POST', headers: json, body: JSON.stringify(doc) });
      expect(r.status, await r.text()).toBe(201);
    }
    execFileSync(process.execPath, [join(EXAMPLE, 'build.mjs')], { stdio: 'ignore' });
    const zip = join(s.dataDir, 'Hello-1.0.0.zip');
    execFileSync('zip', ['-q', '-r', '-X', zip, '.'], { cwd: join(EXAMPLE, 'dist', '1.0.0') });
    const r = await s.fetch('/api/v1/packages/Hello/1.0.0', { method: 'PUT', headers: { 'content-type': 'application/zip' }, body: await readFile(zip) });
    expect(r.status, await r.text()).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await s?.server.stopDriver();
    await s?.stop();
    await smtp?.close();
    await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
  });

  it('sends one signed webhook per matching subscription and one email for a failed deployment', async () => {
    const a = await subscribe({ name: 'failures', eventTypes: ['deployment.failed'], channel: { kind: 'webhook', url: `${hookBase}/a` } });
    const b = await subscribe({ name: 'dev1 deployments', eventTypes: ['deployment.*'], environments: ['DEV1'], channel: { kind: 'webhook', url: `${hookBase}/b` } });
    await subscribe({ name: 'other env', eventTypes: ['*'], environments: ['prod1'], channel: { kind: 'webhook', url: `${hookBase}/c` } });
    await subscribe({ name: 'owners', eventTypes: ['deployment.failed'], clusters: ['infra'], channel: { kind: 'email' } });

    const failedBefore = await metric(s, 'envmgr_deployments_total', { outcome: 'failed' });
    const r = await s.fetch('/api/v1/deployments', { method: 'POST', headers: json, body: JSON.stringify({ environment: 'dev1', service: 'Hello', version: '1.0.0' }) });
    expect(r.status, await r.clone().text()).toBe(202);
    const { id } = (await r.json()) as { id: string };
    const failedHits = () => hits.filter((h) => JSON.parse(h.body).type === 'deployment.failed');
    await waitFor('the failure to reach both webhooks and the mailbox', async () => (failedHits().length >= 2 && smtp.mailbox.length >= 1 ? true : undefined), { timeoutMs: 30_000 });
    // a further pass must not send anything twice
    await new Promise((res) => setTimeout(res, 500));

    const failed = failedHits();
    expect(failed.map((h) => h.path).sort()).toEqual(['/a', '/b']);
    for (const h of failed) {
      const body = JSON.parse(h.body) as { id: string; subject: Record<string, string> };
      expect(body).toMatchObject({ id: `deployment.failed:${id}`, subject: { environment: 'dev1', deployment: id, cluster: 'Infra' } });
      expect(h.headers['x-em-event-id']).toBe(body.id);
      const secret = h.path === '/a' ? a.secret! : b.secret!;
      const sig = parseSignatureHeader(String(h.headers['x-em-signature']))!;
      expect(isFreshSignature(sig.timestampSeconds, Date.now())).toBe(true);
      const expected = createHmac('sha256', secret).update(`${sig.timestampSeconds}.${h.body}`).digest();
      expect(timingSafeEqual(Buffer.from(sig.digests[0]!, 'hex'), expected)).toBe(true);
    }
    expect(hits.filter((h) => h.path === '/b').map((h) => JSON.parse(h.body).type)).toEqual(['deployment.requested', 'deployment.failed']);
    expect(smtp.mailbox).toHaveLength(1);
    expect(smtp.mailbox[0]).toMatchObject({ from: 'em@example.com', to: ['dev1-team@example.com'] });
    expect(smtp.mailbox[0]!.raw).toContain('deployment.failed');
    // the requester is the actor of deployment.requested
    expect(JSON.parse(hits.find((h) => h.path === '/b')!.body)).toMatchObject({ type: 'deployment.requested', actor: 'admin' });

    // /metrics parses, and its counters moved with the deployment
    expect(await metric(s, 'envmgr_deployments_total', { outcome: 'failed' })).toBe(failedBefore + 1);
    expect(await metric(s, 'envmgr_http_requests_total', { method: 'POST', route: '/api/v1/deployments', status: '202' })).toBe(1);
    expect(await metric(s, 'envmgr_event_deliveries_total', { result: 'delivered' })).toBeGreaterThanOrEqual(3);
    expect(await metric(s, 'envmgr_job_lock_held', { job: 'notifications' })).toBe(1);
  }, 60_000);

  it('reports each dependency in the health check, and is live and ready', async () => {
    const r = await fetch(`${s.url}/api/v1/diagnostics/healthcheck`);
    expect(r.status).toBe(200);
    const report = (await r.json()) as { status: string; checks: { name: string; status: string; latencyMs: number }[] };
    expect(report.status).toBe('ok');
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([['store', 'up'], ['registry', 'up'], ['blobs', 'up'], ['lock', 'up'], ['event-log', 'up'], ['smtp', 'up']]);
    expect(report.checks.every((c) => typeof c.latencyMs === 'number')).toBe(true);
    expect((await fetch(`${s.url}/api/v1/diagnostics/liveness`)).status).toBe(200);
    expect((await fetch(`${s.url}/api/v1/diagnostics/readiness`)).status).toBe(200);
  });

  it('tells subscribers when an environment is locked and unlocked, from the configuration audit', async () => {
    await subscribe({ name: 'locks', eventTypes: ['environment.*'], environments: ['dev1'], channel: { kind: 'webhook', url: `${hookBase}/locks` } });
    expect((await s.fetch('/api/v1/environments/dev1/deploy-lock', { method: 'PUT', headers: json, body: JSON.stringify({ reason: 'freeze' }) })).status).toBe(200);
    expect((await s.fetch('/api/v1/environments/dev1/deploy-lock', { method: 'DELETE' })).status).toBe(200);
    const locks = () => hits.filter((h) => h.path === '/locks').map((h) => JSON.parse(h.body) as { type: string; actor: string; data: { reason?: string } });
    await waitFor('both lock events', async () => (locks().length >= 2 ? true : undefined), { timeoutMs: 15_000 });
    expect(locks().map((e) => [e.type, e.actor])).toEqual([['environment.locked', 'admin'], ['environment.unlocked', 'admin']]);
    expect(locks()[0]?.data.reason).toBe('freeze');
  }, 30_000);

  it('delivers everything in order once a receiver that was down comes back', async () => {
    await subscribe({ name: 'toggles', eventTypes: ['traffic.toggled'], channel: { kind: 'webhook', url: `${hookBase}/ordered` } });
    down = true;
    for (const n of [1, 2, 3, 4, 5]) s.server.events.publish({ type: 'traffic.toggled', subject: { environment: 'dev1', service: 'Hello' }, data: { n, actor: 'alice' } });
    await waitFor('retries to be scheduled', async () => {
      const pending = await s.server.notifications.store.listDeliveries({ state: 'pending', limit: 50 });
      return pending.some((d) => d.attempts >= 2) ? true : undefined;
    }, { timeoutMs: 10_000 });
    down = false;
    const ordered = () => hits.filter((h) => h.path === '/ordered').map((h) => (JSON.parse(h.body) as { data: { n: number } }).data.n);
    await waitFor('all five to arrive', async () => (ordered().length >= 5 ? true : undefined), { timeoutMs: 20_000 });
    expect(ordered()).toEqual([1, 2, 3, 4, 5]);
    expect((await s.server.notifications.store.listDeliveries({ state: 'dead', limit: 10 }))).toEqual([]);
  }, 40_000);
});
