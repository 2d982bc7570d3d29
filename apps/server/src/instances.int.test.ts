import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFullServer, type FullServer, waitFor as waitForUntil } from './testing.js';

// Issue 5's acceptance, with no deployment driver: a local group of 3 instances, each a real agent process, and a
// target state written straight into the built-in registry.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const EXAMPLE = join(ROOT, 'examples/hello-service');
const ENV = 'e2e';
const ROLE = 'Web';
const SERVICE = 'Hello';
const GROUP = `${ENV}-in-${ROLE}`;

/** {@link waitForUntil} with this suite's polling pace. */
function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  return waitForUntil(what, probe, { timeoutMs, intervalMs: 200 });
}

/** Where each instance's service listened when last seen passing (read while EM is down). */
let portsSeen: { node: string; port: number }[] = [];

describe('instances that really run (local compute + agents + built-in registry)', () => {
  let s: FullServer;

  const json = { 'content-type': 'application/json' };
  const passing = async () => (await s.server.registry.healthService(`${ENV}-${SERVICE}`, { passing: true })).value;
  const versions = async () =>
    Promise.all((await passing()).map(async (h) => (await (await fetch(`http://127.0.0.1:${h.service.port}/`)).text()).trim()));
  const target = async (version: string, deploymentId: string) => {
    await s.server.registry.kvPut(
      `environments/${ENV}/services/${SERVICE}/${version}/installation`,
      JSON.stringify({ PackageBucket: 'local', PackageKey: `PACKAGES/${SERVICE}/${version}/${SERVICE}-${version}.zip`, InstallationTimeout: 2 }),
    );
    await s.server.registry.kvPut(
      `environments/${ENV}/roles/${ROLE}/services/${SERVICE}/none`,
      JSON.stringify({ Name: SERVICE, Version: version, Slice: 'none', DeploymentId: deploymentId, InstanceIds: [], Action: 'Install' }),
    );
  };
  const allServe = (version: string) =>
    waitFor(`3 instances serving ${version}`, async () => {
      portsSeen = (await passing()).map((h) => ({ node: h.node.node, port: h.service.port }));
      const v = await versions();
      return v.length === 3 && v.every((t) => t.includes(version)) ? v : undefined;
    });

  beforeAll(async () => {
    execFileSync(process.execPath, [join(EXAMPLE, 'build.mjs')], { stdio: 'ignore' });
    s = await startFullServer();
    await s.fetch('/api/v1/config/clusters', { method: 'POST', headers: json, body: JSON.stringify({ ClusterName: 'Infra', Value: { ShortName: 'IN' } }) });
    await s.fetch('/api/v1/config/services', { method: 'POST', headers: json, body: JSON.stringify({ ServiceName: SERVICE, OwningCluster: 'Infra', Value: { BluePort: 40100, GreenPort: 40101 } }) });
    for (const version of ['1.0.0', '1.1.0']) {
      const zip = join(s.dataDir, `${SERVICE}-${version}.zip`);
      execFileSync('zip', ['-q', '-r', '-X', zip, '.'], { cwd: join(EXAMPLE, 'dist', version) });
      const r = await s.fetch(`/api/v1/packages/${SERVICE}/${version}`, { method: 'PUT', headers: { 'content-type': 'application/zip' }, body: await readFile(zip) });
      expect(r.status, await r.text()).toBe(201);
    }
    await s.compute.createGroup({
      name: GROUP,
      tags: { Environment: ENV, EnvironmentType: 'Dev', Role: ROLE, OwningCluster: 'Infra' },
      size: { min: 3, desired: 3, max: 3 },
      launch: { image: 'local', instanceType: 'local', subnetType: 'PrivateApp', securityZone: 'Other', instanceProfile: 'roleInfraWeb', volumes: [] },
    });
  }, 120_000);

  afterAll(async () => {
    await s?.compute.deleteGroup(GROUP, { force: true }).catch(() => undefined);
    await s?.stop();
    // services started by hooks live in their own session; end any left behind
    try {
      execFileSync('pkill', ['-f', s.dataDir]);
    } catch {
      // none left
    }
  }, 60_000);

  it('installs 1.0.0 on all 3 instances, healthy in the catalog', async () => {
    await waitFor('3 running instances', async () => ((await s.compute.listInstances({ group: GROUP, states: ['running'] })).length === 3 ? true : undefined));
    await target('1.0.0', 'd-100');
    expect(await allServe('1.0.0')).toHaveLength(3);
  }, 90_000);

  it('switches all 3 to 1.1.0', async () => {
    await target('1.1.0', 'd-110');
    expect(await allServe('1.1.0')).toHaveLength(3);
  }, 90_000);

  it('replaces an instance whose agent was killed, and the new one converges', async () => {
    const [victim] = await s.compute.listInstances({ group: GROUP, states: ['running'] });
    const record = JSON.parse(await readFile(join(s.dataDir, 'compute', 'instances', victim!.id, 'instance.json'), 'utf8')) as { pid: number };
    process.kill(record.pid, 'SIGKILL');
    const running = await waitFor('a replacement instance', async () => {
      const now = await s.compute.listInstances({ group: GROUP, states: ['running'] });
      return now.length === 3 && !now.some((i) => i.id === victim!.id) ? now : undefined;
    });
    // the dead instance's service and registration are cleaned up; the new instance installs and registers itself
    await waitFor('the 3 current instances serving 1.1.0', async () => {
      const nodes = (await passing()).map((h) => h.node.node).sort();
      return nodes.join() === running.map((i) => i.id).sort().join() ? nodes : undefined;
    });
    expect(await allServe('1.1.0')).toHaveLength(3);
    expect(() => process.kill(record.pid, 0)).toThrow();
  }, 120_000);

  it('keeps instances serving across an EM restart, and re-adopts them without duplicates', async () => {
    const before = (await s.compute.listInstances({ group: GROUP, states: ['running'] })).map((i) => i.id).sort();
    const { dataDir, port, registryPort } = s;
    await s.stop({ keepData: true });
    // EM is down: the services still answer
    const ports = portsSeen.filter((p) => before.includes(p.node)).map((p) => p.port);
    const stillServing = await Promise.all(ports.map(async (p) => (await fetch(`http://127.0.0.1:${p}/`)).ok));
    expect(stillServing).toEqual([true, true, true]);
    s = await startFullServer({ dataDir, port, registryPort });
    await s.compute.reconcile();
    const after = (await s.compute.listInstances({ group: GROUP, states: ['running', 'pending'] })).map((i) => i.id).sort();
    expect(after).toEqual(before);
    expect(await allServe('1.1.0')).toHaveLength(3);
  }, 120_000);

  it('undeploys when the target state is removed', async () => {
    await s.server.registry.kvDelete(`environments/${ENV}/roles/${ROLE}/services/${SERVICE}/none`);
    await waitFor('no registered instances', async () => ((await s.server.registry.catalogService(`${ENV}-${SERVICE}`)).value.length === 0 ? true : undefined));
  }, 90_000);
});
