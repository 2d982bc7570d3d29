import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startFullServer, type FullServer } from '@envmgr/server/testing';
import { tempDir } from './em-deps.js';
import { BenchFailure, median, type BenchTable } from './report.js';

const run = promisify(execFile);

export const DEPLOY_RUN = {
  /** Instances of the overhead benchmark's group, and the deployments timed on it. */
  overheadInstances: 10,
  overheadRuns: 10,
  /** Instances that converge on a new version in the scale benchmark. */
  scaleInstances: 100,
  /** Each install's BeforeInstall sleeps this long: the hook time EM's overhead is measured against. */
  hookSleepS: 0.3,
  /** Polling of the deployment's status while it runs. */
  pollMs: 20,
  setupTimeoutMs: 600_000,
  deployTimeoutMs: 300_000,
} as const;
const SERVICE = 'Bench';
const VERSIONS = ['1.0.0', '1.1.0'] as const;
const json = { 'content-type': 'application/json' };

interface Dep {
  id: string;
  status: string;
  reason?: string;
  nodes: { instanceId: string; status: string }[];
}

/** A package whose BeforeInstall stamps its start and end around a fixed sleep; no process, no health checks. */
async function buildPackage(dir: string, version: string, stampFile: string): Promise<Buffer> {
  const src = join(dir, version);
  await mkdir(join(src, 'hooks'), { recursive: true });
  const hook = `#!/bin/sh\necho "$DEPLOYMENT_ID $EM_INSTANCE_ID start $(date +%s%N)" >> '${stampFile}'\nsleep ${DEPLOY_RUN.hookSleepS}\necho "$DEPLOYMENT_ID $EM_INSTANCE_ID end $(date +%s%N)" >> '${stampFile}'\n`;
  await writeFile(join(src, 'hooks/before_install.sh'), hook, { mode: 0o755 });
  await writeFile(join(src, 'appspec.yml'), 'version: 0.0\nos: linux\nhooks:\n  BeforeInstall:\n    - location: hooks/before_install.sh\n      timeout: 30\n');
  await writeFile(join(src, 'build.json'), `${JSON.stringify({ service: SERVICE, version })}\n`);
  const zip = join(dir, `${SERVICE}-${version}.zip`);
  await run('zip', ['-q', '-r', '-X', zip, '.'], { cwd: src }).catch((err: unknown) => {
    throw new BenchFailure('zipping the benchmark package failed (is the `zip` CLI installed?)', { cause: err });
  });
  return readFile(zip);
}

async function post(s: FullServer, path: string, body: unknown): Promise<Response> {
  const r = await s.fetch(path, { method: 'POST', headers: json, body: JSON.stringify(body) });
  if (r.status >= 300) throw new BenchFailure(`POST ${path} answered ${r.status}: ${await r.text()}`);
  return r;
}

/** The configuration of one environment whose role runs `instances` instances of the bench service. */
async function configure(s: FullServer, env: string, instances: number): Promise<void> {
  const map = `Map${env}`;
  await post(s, '/api/v1/config/deployment-maps', {
    DeploymentMapName: map,
    Value: {
      DeploymentTarget: [
        {
          ServerRoleName: 'Web',
          OwningCluster: 'Infra',
          ContactEmailTag: 'infra@example.com',
          AMI: 'local',
          InstanceType: 't3.small',
          AutoScalingSettings: { MinCapacity: instances, DesiredCapacity: instances, MaxCapacity: instances },
          Services: [{ ServiceName: SERVICE }],
        },
      ],
    },
  });
  await post(s, '/api/v1/config/environments', { EnvironmentName: env, Value: { EnvironmentType: 'Dev', OwningCluster: 'Infra', DeploymentMap: map } });
}

/** Requests a deployment and polls it to its end; the wall time from the request to seeing it end. */
async function deployAndWait(s: FullServer, env: string, version: string): Promise<{ d: Dep; wallMs: number; startedAtMs: number }> {
  const startedAtMs = Date.now();
  const t0 = performance.now();
  const r = await post(s, '/api/v1/deployments', { environment: env, service: SERVICE, version });
  const { id } = (await r.json()) as Dep;
  const deadline = Date.now() + DEPLOY_RUN.deployTimeoutMs;
  for (;;) {
    const d = (await (await s.fetch(`/api/v1/deployments/${id}`)).json()) as Dep;
    if (['succeeded', 'failed', 'cancelled'].includes(d.status)) {
      if (d.status !== 'succeeded') throw new BenchFailure(`deployment ${id} of ${version} to ${env} ended ${d.status}: ${d.reason ?? ''}`);
      return { d, wallMs: performance.now() - t0, startedAtMs };
    }
    if (Date.now() > deadline) throw new BenchFailure(`deployment ${id} did not end within ${DEPLOY_RUN.deployTimeoutMs} ms (status ${d.status})`);
    await new Promise((res) => setTimeout(res, DEPLOY_RUN.pollMs));
  }
}

interface HookTimes {
  /** The longest BeforeInstall (end − start stamps of one instance), ms. */
  longestMs: number;
  /** Wall-clock ms of the first hook start and the last hook end. */
  firstStartMs: number;
  lastEndMs: number;
}

async function hookTimes(stampFile: string, deploymentId: string): Promise<HookTimes> {
  const starts = new Map<string, bigint>();
  const t: HookTimes = { longestMs: 0, firstStartMs: Infinity, lastEndMs: 0 };
  const ms = (ns: bigint): number => Number(ns / 1000n) / 1000;
  for (const line of (await readFile(stampFile, 'utf8')).split('\n')) {
    const [id, instance, what, text] = line.split(' ');
    if (id !== deploymentId || !instance || !text) continue;
    const ns = BigInt(text);
    if (what === 'start') {
      starts.set(instance, ns);
      t.firstStartMs = Math.min(t.firstStartMs, ms(ns));
    }
    const start = starts.get(instance);
    if (what === 'end' && start !== undefined) {
      t.longestMs = Math.max(t.longestMs, ms(ns - start));
      t.lastEndMs = Math.max(t.lastEndMs, ms(ns));
    }
  }
  if (!t.longestMs) throw new BenchFailure(`no hook stamps of deployment ${deploymentId} in ${stampFile}`);
  return t;
}

/** Issue #6's targets: EM's overhead per deployment on 10 local instances, and 100 instances converging. */
export async function deploymentBenchmark(log: (line: string) => void): Promise<BenchTable[]> {
  const dir = await tempDir('envmgr-bench-deploy-');
  const stampFile = join(dir.path, 'stamps.txt');
  let s: FullServer | undefined;
  try {
    s = await startFullServer({ env: { ENVMGR_DRIVER_INTERVAL_MS: '250' } });
    await post(s, '/api/v1/config/clusters', { ClusterName: 'Infra', Value: { ShortName: 'IN' } });
    await post(s, '/api/v1/config/environment-types', { EnvironmentType: 'Dev', Value: { SchemaVersion: 5 } });
    await post(s, '/api/v1/config/services', { ServiceName: SERVICE, OwningCluster: 'Infra', Value: {} });
    for (const v of VERSIONS) {
      const zip = await buildPackage(dir.path, v, stampFile);
      const r = await s.fetch(`/api/v1/packages/${SERVICE}/${v}`, { method: 'PUT', headers: { 'content-type': 'application/zip' }, body: zip });
      if (r.status !== 201) throw new BenchFailure(`uploading ${SERVICE} ${v} answered ${r.status}: ${await r.text()}`);
    }

    await configure(s, 'ten', DEPLOY_RUN.overheadInstances);
    log(`deployments: first deployment to ${DEPLOY_RUN.overheadInstances} new local instances (not timed) ...`);
    await deployAndWait(s, 'ten', VERSIONS[0]);
    const overheads: number[] = [];
    const walls: number[] = [];
    const hooks: number[] = [];
    for (let i = 0; i < DEPLOY_RUN.overheadRuns; i++) {
      log(`deployments: overhead run ${i + 1}/${DEPLOY_RUN.overheadRuns} ...`);
      const { d, wallMs } = await deployAndWait(s, 'ten', VERSIONS[(i + 1) % 2] ?? '1.0.0');
      const hookMs = (await hookTimes(stampFile, d.id)).longestMs;
      walls.push(wallMs);
      hooks.push(hookMs);
      overheads.push(wallMs - hookMs);
    }

    await configure(s, 'hundred', DEPLOY_RUN.scaleInstances);
    log(`deployments: first deployment to ${DEPLOY_RUN.scaleInstances} new local instances (not timed; launches ${DEPLOY_RUN.scaleInstances} agents) ...`);
    const setup = await deployAndWait(s, 'hundred', VERSIONS[0]);
    log(`deployments: ${DEPLOY_RUN.scaleInstances} instances converging on ${VERSIONS[1]} ...`);
    const cpu0 = process.cpuUsage();
    const scaled = await deployAndWait(s, 'hundred', VERSIONS[1]);
    const cpu = process.cpuUsage(cpu0);
    const emCpuMs = (cpu.user + cpu.system) / 1000;
    const scaledHooks = await hookTimes(stampFile, scaled.d.id);
    const scaledHook = scaledHooks.longestMs;
    const converged = scaled.d.nodes.filter((n) => n.status === 'Success').length;

    return [
      {
        id: 'deployment-overhead',
        title: `EM overhead per deployment: ${DEPLOY_RUN.overheadInstances} local instances, ${DEPLOY_RUN.overheadRuns} deployments`,
        notes: [
          'overhead = wall time from POST /api/v1/deployments to seeing the deployment succeeded (GET polled every ' +
            `${DEPLOY_RUN.pollMs} ms) minus the longest BeforeInstall of that deployment (start/end stamps written by the hook)`,
          `the package's only hook sleeps ${DEPLOY_RUN.hookSleepS} s; no service process, no health checks; versions alternate`,
          'EM (SQLite, built-in registry, local compute, driver every 250 ms and woken by agent status writes) runs in this ' +
            'process; each instance is a real agent process',
          `baseline: the hook time itself (median of the longest hook per deployment)`,
        ],
        metrics: [
          { name: 'p50 EM overhead', unit: 'ms', measured: median(overheads), max: 1000, baseline: median(hooks) },
          { name: 'max EM overhead', unit: 'ms', measured: Math.max(...overheads) },
          { name: 'p50 deployment wall time', unit: 'ms', measured: median(walls), baseline: median(hooks) },
        ],
      },
      {
        id: 'deployment-converge-100',
        title: `${DEPLOY_RUN.scaleInstances} local instances converging on a new version`,
        notes: [
          `one deployment of ${VERSIONS[1]} to a group of ${DEPLOY_RUN.scaleInstances} instances that run ${VERSIONS[0]} (their first ` +
            `deployment, which launched them, took ${(setup.wallMs / 1000).toFixed(1)} s and is not counted)`,
          'time = POST to seeing the deployment succeeded; every instance must report Success',
          'baseline: the longest BeforeInstall of that deployment (the hook time itself)',
          'on this machine all instances share its CPUs, so the hooks and agents of 100 instances compete for them; the EM ' +
            'process (API, registry, driver, and this benchmark\'s polling) runs here too, its CPU time is shown',
        ],
        metrics: [
          { name: 'time to converge', unit: 'ms', measured: scaled.wallMs, max: 15_000, baseline: scaledHook },
          { name: 'instances converged', unit: '', measured: converged, min: DEPLOY_RUN.scaleInstances },
          { name: 'request to the first hook start', unit: 'ms', measured: scaledHooks.firstStartMs - scaled.startedAtMs },
          { name: 'request to the last hook end', unit: 'ms', measured: scaledHooks.lastEndMs - scaled.startedAtMs },
          { name: 'CPU time of the EM process meanwhile', unit: 'ms', measured: emCpuMs },
        ],
      },
    ];
  } finally {
    if (s) {
      for (const g of await s.compute.listGroups().catch(() => [])) await s.compute.deleteGroup(g.name, { force: true }).catch(() => undefined);
      await s.stop();
    }
    await dir.remove();
  }
}
