import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createBuiltinRegistry, startRegistryServer, type BuiltinRegistry } from '@envmgr/adapter-registry-builtin';
import { createConsulRegistry } from '@envmgr/adapter-registry-consul';
import { nodeStatusKey, roleServiceKey, serviceInstallationKey, type NodeDeploymentStatus } from '@envmgr/agent-core';
import type { Registry } from '@envmgr/ports';
import {
  ENV,
  INSTANCE,
  ROLE,
  SERVICE,
  buildStampPackages,
  installationValue,
  rssMb,
  sampleRss,
  sleep,
  startAgent,
  startBareNode,
  startPackageApi,
  targetValue,
  wallClock,
  type Child,
} from './agent-rig.js';
import { tempDir } from './em-deps.js';
import { BenchFailure, median, percentile, type BenchTable } from './report.js';

export const AGENT_RUN = {
  /** Target-state writes timed for the pickup latency. */
  writes: 100,
  /** Reads of the role key timed for the baseline (after 10 untimed). */
  reads: 100,
  /** After a deployment's final status, before the next write: the agent is back in its blocking read. */
  settleMs: 100,
  /** Installs during which the agent's RSS is sampled, and how often. */
  rssInstalls: 20,
  rssEveryMs: 20,
  /** Idle RSS: wait, then this many samples this far apart; the median is reported. */
  idleWaitMs: 2000,
  idleSamples: 10,
  idleEveryMs: 200,
  finalTimeoutMs: 30_000,
} as const;
const VERSIONS = ['1.0.0', '1.1.0'] as const;
const ROLE_KEY = roleServiceKey(ENV, ROLE, SERVICE, 'none');

interface Rig {
  registry: BuiltinRegistry;
  consul: Registry;
  agent: Child;
  bare: Child;
  stampFile: string;
  /** Deployments written so far. */
  written: number;
  /** From the write of a target state to its final status. */
  installing: boolean;
}

interface Install {
  status: string;
  /** Hook timestamp − write start, ms; undefined when the hook left no stamp. */
  pickupMs: number | undefined;
  /** Write start to the final status seen (polled every 10 ms). */
  totalMs: number;
}

/** Writes a new target state (versions alternate), waits for the node's final status and reads the hook's stamp. */
async function install(rig: Rig): Promise<Install> {
  const n = ++rig.written;
  const id = `bench-${n}`;
  const value = targetValue(VERSIONS[n % VERSIONS.length] ?? '1.0.0', id);
  const now = wallClock();
  rig.installing = true;
  const t0 = now();
  await rig.consul.kvPut(ROLE_KEY, value);
  const status = await finalStatus(rig, id).finally(() => (rig.installing = false));
  const totalMs = now() - t0;
  const line = (await readFile(rig.stampFile, 'utf8').catch(() => '')).split('\n').find((l) => l.startsWith(`${id} `));
  const ns = line?.split(' ')[1];
  return { status: status.Status, pickupMs: ns ? Number(BigInt(ns) / 1000n) / 1000 - t0 : undefined, totalMs };
}

async function finalStatus(rig: Rig, deploymentId: string): Promise<NodeDeploymentStatus> {
  const deadline = Date.now() + AGENT_RUN.finalTimeoutMs;
  for (;;) {
    const read = await rig.registry.kvGet(nodeStatusKey(deploymentId, INSTANCE));
    const s = read.value ? (JSON.parse(read.value.value) as NodeDeploymentStatus) : undefined;
    if (s && s.Status !== 'In Progress') return s;
    const gone = rig.agent.exited();
    if (gone || Date.now() > deadline) {
      throw new BenchFailure(
        `no final status for deployment ${deploymentId} ${gone ? `: the agent exited (${gone})` : `within ${AGENT_RUN.finalTimeoutMs} ms`}\n` +
          `--- agent output ---\n${rig.agent.output().slice(-4000)}`,
      );
    }
    await sleep(10);
  }
}

/** The median of `idleSamples` RSS samples of each pid, after `idleWaitMs`. */
async function idleRss(pids: readonly number[]): Promise<number[]> {
  await sleep(AGENT_RUN.idleWaitMs);
  const samples = pids.map((): number[] => []);
  for (let i = 0; i < AGENT_RUN.idleSamples; i++) {
    if (i) await sleep(AGENT_RUN.idleEveryMs);
    (await Promise.all(pids.map(rssMb))).forEach((mb, j) => samples[j]?.push(mb));
  }
  return samples.map(median);
}

/** The time of one kvGet of the role key through the Consul client, for each of `reads` reads. */
async function readTimes(consul: Registry): Promise<number[]> {
  for (let i = 0; i < 10; i++) await consul.kvGet(ROLE_KEY);
  const times: number[] = [];
  for (let i = 0; i < AGENT_RUN.reads; i++) {
    const started = performance.now();
    const read = await consul.kvGet(ROLE_KEY);
    times.push(performance.now() - started);
    if (!read.value) throw new BenchFailure(`${ROLE_KEY} read back empty`);
  }
  return times.sort((a, b) => a - b);
}

/** Runs `AGENT_RUN.writes` (or `rssInstalls`) installs one after the other. */
async function installs(rig: Rig, count: number, log: (line: string) => void, what: string): Promise<Install[]> {
  const out: Install[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 25 === 0) log(`agent: ${what}, install ${i + 1}/${count} ...`);
    out.push(await install(rig));
    await sleep(AGENT_RUN.settleMs);
  }
  return out;
}

/** Pickup latency and RSS of the built agent against the built-in registry; returns the two tables of issue #5. */
export async function agentBenchmark(log: (line: string) => void): Promise<BenchTable[]> {
  const dir = await tempDir('envmgr-bench-agent-');
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const stampFile = join(dir.path, 'stamps.txt');
    const packages = await buildStampPackages(join(dir.path, 'packages'), stampFile, VERSIONS);
    const registry = createBuiltinRegistry({ path: join(dir.path, 'registry.db') });
    stops.push(() => registry.close());
    const server = await startRegistryServer({ registry, port: 0 });
    stops.push(() => server.close());
    const api = await startPackageApi(packages);
    stops.push(() => api.close());
    const consul = createConsulRegistry({ baseUrl: server.url });
    for (const v of VERSIONS) await consul.kvPut(serviceInstallationKey(ENV, SERVICE, v), installationValue(v));
    log('agent: starting the agent and a bare node process ...');
    const agent = await startAgent({ instanceDir: join(dir.path, 'instance'), registryUrl: server.url, serverUrl: api.url });
    stops.push(() => agent.stop());
    const bare = startBareNode();
    stops.push(() => bare.stop());
    const rig: Rig = { registry, consul, agent, bare, stampFile, written: 0, installing: false };

    const first = await install(rig);
    if (first.status !== 'Success') throw new BenchFailure(`the first install ended ${first.status}\n${agent.output().slice(-4000)}`);
    log(`agent: idle RSS, ${AGENT_RUN.idleWaitMs / 1000} s wait then ${AGENT_RUN.idleSamples} samples ...`);
    const [agentIdle = NaN, bareIdle = NaN] = await idleRss([agent.pid, bare.pid]);
    const sampler = sampleRss([agent.pid, bare.pid], AGENT_RUN.rssEveryMs, () => rig.installing);
    const sampled = await installs(rig, AGENT_RUN.rssInstalls, log, `RSS every ${AGENT_RUN.rssEveryMs} ms`).catch(async (err: unknown) => {
      await sampler.stop().catch(() => undefined);
      throw err;
    });
    const [agentSamples = [], bareSamples = []] = await sampler.stop();
    log(`agent: ${AGENT_RUN.reads} timed kvGet of the role key (baseline) ...`);
    const reads = await readTimes(consul);
    const timed = await installs(rig, AGENT_RUN.writes, log, 'pickup latency');
    log('agent: idle RSS after the installs ...');
    const [agentAfter = NaN, bareAfter = NaN] = await idleRss([agent.pid, bare.pid]);

    const pickups = timed.flatMap((r) => (r.pickupMs === undefined ? [] : [r.pickupMs])).sort((a, b) => a - b);
    const failed = [...timed, ...sampled].filter((r) => r.status !== 'Success' || r.pickupMs === undefined).length;
    const readMedian = median(reads);
    const totalInstalls = 1 + timed.length + sampled.length;
    return [
      {
        id: 'agent-pickup-latency',
        title: `Agent pickup latency: target-state write to the first hook's start, ${AGENT_RUN.writes} writes`,
        notes: [
          'each write: a new DeploymentId (versions 1.0.0 and 1.1.0 alternate) PUT to the role key through the Consul client ' +
            '(@envmgr/adapter-registry-consul) against the built-in registry over HTTP on 127.0.0.1; t0 = just before that kvPut',
          "t1 = `date +%s%N` in the package's BeforeInstall, its first hook (it has no ApplicationStop); t0 and t1 are the " +
            'same wall clock, t0 taken with sub-ms resolution; the agent downloads, checks and unpacks the package before that hook',
          `after each deployment's final status (polled every 10 ms) the next write waits ${AGENT_RUN.settleMs} ms, so the agent is idle in its blocking read`,
          `baseline: one kvGet of the same key through the same client, median of ${AGENT_RUN.reads} (p99 ${percentile(reads, 0.99).toFixed(2)} ms) after 10 untimed`,
          `registry server, package API stand-in and this timer share one process; the agent is a child process (apps/agent/dist/main.js)`,
        ],
        metrics: [
          { name: 'p50 pickup latency', unit: 'ms', measured: percentile(pickups, 0.5), max: 100, baseline: readMedian },
          { name: 'p99 pickup latency', unit: 'ms', measured: percentile(pickups, 0.99), baseline: readMedian },
          { name: 'max pickup latency', unit: 'ms', measured: pickups[pickups.length - 1] ?? NaN },
          { name: 'write to final status, median', unit: 'ms', measured: median(timed.map((r) => r.totalMs)) },
          { name: 'writes timed', unit: '', measured: pickups.length, min: AGENT_RUN.writes },
          { name: 'installs not Success', unit: '', measured: failed, max: 0 },
        ],
      },
      {
        id: 'agent-rss',
        title: 'Agent resident memory (VmRSS of the agent process)',
        notes: [
          `idle: after start-up and one completed install, ${AGENT_RUN.idleWaitMs / 1000} s wait, then the median of ${AGENT_RUN.idleSamples} samples ` +
            `${AGENT_RUN.idleEveryMs} ms apart; during an install: the largest of ${agentSamples.length} samples taken every ${AGENT_RUN.rssEveryMs} ms ` +
            `while one of the next ${AGENT_RUN.rssInstalls} installs of the Stamp package (${packages.get(`${SERVICE}/1.0.0`)?.zip.length ?? '?'} bytes) ran ` +
            '(write to final status), before the pickup-latency writes',
          `idle after ${1 + AGENT_RUN.rssInstalls + AGENT_RUN.writes} installs: the idle measurement again at the end of the run (growth shows here)`,
          'baseline: a bare `node -e "setInterval(()=>{},1000)"` started with the agent and sampled at the same moments; MB = 1024 × 1024 bytes',
          "hook processes are not counted (they are the agent's children, not the agent)",
        ],
        metrics: [
          { name: 'RSS idle', unit: 'MB', measured: agentIdle, max: 50, baseline: bareIdle },
          { name: 'RSS during an install (max)', unit: 'MB', measured: Math.max(...agentSamples), baseline: Math.max(...bareSamples) },
          { name: `RSS idle after ${totalInstalls} installs`, unit: 'MB', measured: agentAfter, baseline: bareAfter },
        ],
      },
    ];
  } finally {
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => log(`agent: clean-up step failed: ${String(err)}`));
    await dir.remove();
  }
}
