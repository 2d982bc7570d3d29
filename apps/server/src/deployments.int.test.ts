import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFullServer, type FullServer, waitFor as waitForUntil } from './testing.js';

// Issue 6's acceptance, end to end in embedded mode through the HTTP API: the quickstart configuration, the example
// service's packages, local compute with real agents, and the deployment driver.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const EXAMPLE = join(ROOT, 'examples/hello-service');
const QUICKSTART = join(ROOT, 'examples/quickstart');
const ENV = 'dev1';
const SERVICE = 'Hello';
const GROUP = 'dev1-in-Web';
const json = { 'content-type': 'application/json' };

interface Dep {
  id: string;
  status: string;
  reason?: string;
  nodes: { instanceId: string; status: string; health?: string }[];
}

let last: unknown;

/** {@link waitForUntil} with this suite's polling pace and the last deployment read. */
function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  last = undefined;
  return waitForUntil(what, probe, { timeoutMs, intervalMs: 250, lastSeen: () => last });
}

describe('deployments end to end (embedded mode)', () => {
  let s: FullServer;
  const env = { ENVMGR_HEALTH_DEADLINE_MS: '8000', ENVMGR_DRIVER_INTERVAL_MS: '200' };

  const deploy = async (version: string, extra: Record<string, unknown> = {}) => {
    const r = await s.fetch('/api/v1/deployments', { method: 'POST', headers: json, body: JSON.stringify({ environment: ENV, service: SERVICE, version, ...extra }) });
    return { status: r.status, location: r.headers.get('location'), body: (await r.json()) as Dep & Record<string, unknown> };
  };
  const get = async (id: string) => {
    const d = (await (await s.fetch(`/api/v1/deployments/${id}`)).json()) as Dep;
    last = d;
    return d;
  };
  const ended = (id: string, timeoutMs?: number) =>
    waitFor(`deployment ${id} to end`, async () => {
      const d = await get(id);
      return ['succeeded', 'failed', 'cancelled'].includes(d.status) ? d : undefined;
    }, timeoutMs);
  const served = async () => {
    const passing = (await s.server.registry.healthService(`${ENV}-${SERVICE}`, { passing: true })).value;
    // an instance between stopping one version and starting another refuses the connection for a moment: ''
    return Promise.all(passing.map(async (h) => (await fetch(`http://127.0.0.1:${h.service.port}/`).then((r) => r.text(), () => '')).trim()));
  };

  beforeAll(async () => {
    execFileSync(process.execPath, [join(EXAMPLE, 'build.mjs')], { stdio: 'ignore' });
    s = await startFullServer({ env });
    for (const [file, type] of [
      ['cluster', 'clusters'],
      ['environment-type', 'environment-types'],
      ['service', 'services'],
      ['deployment-map', 'deployment-maps'],
      ['environment', 'environments'],
    ]) {
      const r = await s.fetch(`/api/v1/config/${type}`, { method: 'POST', headers: json, body: await readFile(join(QUICKSTART, `${file}.json`), 'utf8') });
      expect(r.status, await r.text()).toBe(201);
    }
    for (const version of ['1.0.0', '1.1.0', '1.2.0-validate-fails', '1.3.0-unhealthy']) {
      const zip = join(s.dataDir, `${SERVICE}-${version}.zip`);
      execFileSync('zip', ['-q', '-r', '-X', zip, '.'], { cwd: join(EXAMPLE, 'dist', version) });
      const r = await s.fetch(`/api/v1/packages/${SERVICE}/${version}`, { method: 'PUT', headers: { 'content-type': 'application/zip' }, body: await readFile(zip) });
      expect(r.status, await r.text()).toBe(201);
    }
  }, 120_000);

  afterAll(async () => {
    await s?.compute.deleteGroup(GROUP, { force: true }).catch(() => undefined);
    await s?.stop();
    try {
      execFileSync('pkill', ['-f', s.dataDir]);
    } catch {
      // none left
    }
  }, 60_000);

  it('refuses what it cannot deploy: unknown service 404, missing package 404, bad version 400', async () => {
    expect((await deploy('9.9.9')).body).toMatchObject({ status: 404, code: 'package-not-found' });
    const unknown = await s.fetch('/api/v1/deployments', { method: 'POST', headers: json, body: JSON.stringify({ environment: ENV, service: 'Nope', version: '1.0.0' }) });
    expect(await unknown.json()).toMatchObject({ status: 404, code: 'unknown-service' });
    expect((await deploy('1.0')).status).toBe(400);
  });

  it('plans a dry run without doing anything', async () => {
    const r = await s.fetch('/api/v1/deployments?dry_run=true', { method: 'POST', headers: json, body: JSON.stringify({ environment: ENV, service: SERVICE, version: '1.0.0' }) });
    const plan = (await r.json()) as Record<string, unknown>;
    expect(r.status).toBe(200);
    expect(plan).toMatchObject({ isDryRun: true, group: { name: GROUP, action: 'create' }, expectedInstances: 3, serverRole: 'Web' });
    expect(await s.compute.getGroup(GROUP)).toBeUndefined();
  });

  it('deploys 1.0.0 to 3 new local instances, all healthy and serving it; a concurrent deploy gets 409', async () => {
    const first = await deploy('1.0.0');
    expect(first.status).toBe(202);
    expect(first.location).toBe(`/api/v1/deployments/${first.body.id}`);
    const second = await deploy('1.1.0');
    expect(second.body).toMatchObject({ status: 409, code: 'deployment-in-progress', activeDeploymentId: first.body.id });
    const done = await ended(first.body.id);
    expect(done.status, done.reason).toBe('succeeded');
    expect(done.nodes).toHaveLength(3);
    expect(done.nodes.every((n) => n.status === 'Success' && n.health === 'passing')).toBe(true);
    const texts = await served();
    expect(texts).toHaveLength(3);
    expect(texts.every((t) => t.includes('1.0.0'))).toBe(true);
  }, 120_000);

  it('rolls 1.1.0 onto the same instances', async () => {
    const r = await deploy('1.1.0');
    const done = await ended(r.body.id);
    expect(done.status, done.reason).toBe('succeeded');
    await waitFor('3 instances serving 1.1.0', async () => {
      const t = await served();
      return t.length === 3 && t.every((x) => x.includes('1.1.0')) ? t : undefined;
    });
  }, 120_000);

  it('fails a deployment whose hook fails, naming the instance and the hook; the previous version keeps serving', async () => {
    const r = await deploy('1.2.0-validate-fails');
    const done = await ended(r.body.id);
    expect(done.status).toBe('failed');
    expect(done.reason).toMatch(/ValidateService/);
    expect(done.reason).toMatch(/i-[0-9a-f]{17}/);
    // the agents roll back: 1.1.0 answers on every instance again (the deployment fails at the first failed instance,
    // while others may still be putting 1.1.0 back)
    const texts = await waitFor('3 instances serving 1.1.0 again', async () => {
      const t = await served();
      return t.length === 3 && t.every((x) => x.includes('1.1.0')) ? t : undefined;
    }, 60_000);
    expect(texts).toHaveLength(3);
  }, 120_000);

  it('fails a deployment whose health checks never pass, at the health deadline', async () => {
    const r = await deploy('1.3.0-unhealthy');
    const done = await ended(r.body.id);
    expect(done.status).toBe('failed');
    expect(done.reason).toMatch(/did not pass its health checks within 8 s/);
  }, 120_000);

  it('rolls back to the previously successful version', async () => {
    const r = await s.fetch('/api/v1/rollbacks', { method: 'POST', headers: json, body: JSON.stringify({ environment: ENV, service: SERVICE }) });
    const body = (await r.json()) as Dep & { version: string; rolledBackFrom: string };
    expect(r.status).toBe(202);
    expect(body).toMatchObject({ version: '1.0.0', rolledBackFrom: '1.1.0' });
    expect((await ended(body.id)).status).toBe('succeeded');
  }, 120_000);

  it('finishes a deployment after EM is killed in the middle of it', async () => {
    const r = await deploy('1.1.0');
    await waitFor('the deployment to be deploying', async () => ((await get(r.body.id)).status === 'deploying' ? true : undefined), 30_000);
    const { dataDir, port, registryPort } = s;
    await s.stop({ keepData: true });
    s = await startFullServer({ dataDir, port, registryPort, env });
    const done = await ended(r.body.id);
    expect(done.status, done.reason).toBe('succeeded');
    expect(done.nodes.filter((n) => n.status === 'Success')).toHaveLength(3);
  }, 180_000);

  it('replaces an instance killed mid-deployment, and the new one converges too', async () => {
    const r = await deploy('1.0.0');
    await waitFor('the deployment to be deploying', async () => ((await get(r.body.id)).status === 'deploying' ? true : undefined), 30_000);
    const [victim] = await s.compute.listInstances({ group: GROUP, states: ['running'] });
    const record = JSON.parse(await readFile(join(s.dataDir, 'compute', 'instances', victim!.id, 'instance.json'), 'utf8')) as { pid: number };
    process.kill(record.pid, 'SIGKILL');
    const done = await ended(r.body.id);
    if (done.status === 'failed') {
      // acceptable only when the reason names the instance that died
      expect(done.reason).toContain(victim!.id);
    } else {
      expect(done.status, done.reason).toBe('succeeded');
      const running = (await s.compute.listInstances({ group: GROUP, states: ['running'] })).map((i) => i.id);
      expect(running).not.toContain(victim!.id);
      const succeeded = done.nodes.filter((n) => n.status === 'Success').map((n) => n.instanceId);
      expect(running.every((id) => succeeded.includes(id))).toBe(true);
    }
  }, 120_000);

  it('lists deployments newest first with filters, and cancels one in progress', async () => {
    const list = (await (await s.fetch(`/api/v1/deployments?environment=${ENV}&status=succeeded&limit=2`)).json()) as { items: Dep[] };
    expect(list.items).toHaveLength(2);
    const r = await deploy('1.0.0');
    const c = await s.fetch(`/api/v1/deployments/${r.body.id}`, { method: 'PATCH', headers: json, body: JSON.stringify({ Status: 'Cancelled' }) });
    const cancelled = (await c.json()) as Dep;
    expect(c.status).toBe(200);
    expect(cancelled.status).toBe('cancelled');
    const again = await s.fetch(`/api/v1/deployments/${r.body.id}`, { method: 'PATCH', headers: json, body: JSON.stringify({ Status: 'Cancelled' }) });
    expect(await again.json()).toMatchObject({ status: 409, code: 'deployment-finished' });
  }, 60_000);
});
