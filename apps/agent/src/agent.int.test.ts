/**
 * End to end with real parts: the built-in registry served over HTTP on 127.0.0.1:0, a stand-in for EM's package
 * and log API, the Hello example packages zipped with the `zip` CLI, and the built agent (apps/agent/dist/main.js)
 * as a child process with the environment the local compute gives an instance. The target state is written
 * straight to the registry; there is no deployment driver.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinRegistry, startRegistryServer, type BuiltinRegistry, type RegistryServer } from '@envmgr/adapter-registry-builtin';
import type { NodeDeploymentStatus } from '@envmgr/agent-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const AGENT_MAIN = join(ROOT, 'apps/agent/dist/main.js');
const TOKEN = 'agent-test-token';
const INSTANCE = 'i-0123456789abcdef0';
const ENV = 'c50';
const ROLE = 'Web';

interface Pkg {
  zip: Buffer;
  sha256: string;
}

let tmp: string;
let registry: BuiltinRegistry;
let registryServer: RegistryServer;
let em: Server;
let emUrl: string;
let agent: ChildProcess | undefined;
let agentOutput = '';
let portBlock: { first: number; last: number };
const packages = new Map<string, Pkg>();
const logs = new Map<string, string>();
const servicePids = new Set<number>();

// ---- helpers ------------------------------------------------------------------------------------------------

/** Polls `probe` until it returns something other than undefined (or stops throwing), within `timeoutMs`. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}\n--- agent output ---\n${agentOutput.slice(-6000)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function zipFolder(dir: string, out: string): Pkg {
  execFileSync('zip', ['-q', '-r', '-X', out, '.'], { cwd: dir });
  const zip = execFileSync('cat', [out], { maxBuffer: 64 * 1024 * 1024 });
  return { zip, sha256: createHash('sha256').update(zip).digest('hex') };
}

async function freePortBlock(size: number): Promise<{ first: number; last: number }> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  const first = Math.min(port, 65535 - size);
  return { first, last: first + size - 1 };
}

async function buildPackages(): Promise<void> {
  const examples = join(tmp, 'examples');
  const mod = (await import(pathToFileURL(join(ROOT, 'examples/hello-service/build.mjs')).href)) as {
    build(o: { outDir: string }): Promise<{ version: string; dir: string }[]>;
  };
  const built = await mod.build({ outDir: examples });
  const dirOf = (v: string) => built.find((b) => b.version === v)?.dir ?? '';
  // a variant whose BeforeInstall hangs past its 1 s timeout
  const hangs = join(examples, '1.4.0-hangs');
  await cp(dirOf('1.1.0'), hangs, { recursive: true });
  await writeFile(join(hangs, 'build.json'), JSON.stringify({ service: 'Hello', version: '1.4.0-hangs', healthy: true }));
  await writeFile(join(hangs, 'hooks/before_install.sh'), '#!/bin/sh\necho "BeforeInstall: about to hang"\nsleep 30\n', { mode: 0o755 });
  const appspec = await readFile(join(hangs, 'appspec.yml'), 'utf8');
  await writeFile(join(hangs, 'appspec.yml'), appspec.replace(/(before_install\.sh\n\s+timeout:) \d+/, '$1 1'));
  // a second service, to run side by side with Hello
  const bye = join(examples, 'Bye-1.0.0');
  await cp(dirOf('1.0.0'), bye, { recursive: true });
  await writeFile(join(bye, 'build.json'), JSON.stringify({ service: 'Bye', version: '1.0.0', healthy: true }));
  // Bye's deployment carries a trace context: its BeforeInstall shows what it was given
  await writeFile(join(bye, 'hooks/before_install.sh'), '#!/bin/sh\necho "BeforeInstall: TRACEPARENT=${TRACEPARENT:-none}"\n', { mode: 0o755 });

  // a package without start/stop hooks: the agent's supervisor runs its `service.command`
  const sup = join(examples, 'Sup-1.0.0');
  await mkdir(sup);
  await cp(join(dirOf('1.0.0'), 'server.mjs'), join(sup, 'server.mjs'));
  await writeFile(join(sup, 'build.json'), JSON.stringify({ service: 'Sup', version: '1.0.0', healthy: true }));
  await writeFile(
    join(sup, 'appspec.yml'),
    'os: linux\nservice:\n  command: node server.mjs\nconsul_healthchecks:\n  sup-health:\n    type: http\n    interval: 1s\n    url: http://127.0.0.1:${PORT}/health\n',
  );

  const zips = join(tmp, 'zips');
  await mkdir(zips);
  for (const v of ['1.0.0', '1.1.0', '1.2.0-validate-fails']) packages.set(`Hello/${v}`, zipFolder(dirOf(v), join(zips, `Hello-${v}.zip`)));
  packages.set('Hello/1.4.0-hangs', zipFolder(hangs, join(zips, 'Hello-1.4.0-hangs.zip')));
  packages.set('Bye/1.0.0', zipFolder(bye, join(zips, 'Bye-1.0.0.zip')));
  packages.set('Sup/1.0.0', zipFolder(sup, join(zips, 'Sup-1.0.0.zip')));
  // served with the checksum of another package: the agent must refuse it
  const good = packages.get('Hello/1.1.0');
  if (good) packages.set('Hello/1.5.0', { zip: good.zip, sha256: packages.get('Hello/1.0.0')?.sha256 ?? '' });
}

/** A stand-in for EM's package and log API (the parts the agent calls). */
async function startEmStandIn(): Promise<void> {
  em = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/problem+json' }).end('{"title":"login-required"}');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://em');
    const pkg = /^\/api\/v1\/packages\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && pkg) {
      const found = packages.get(`${decodeURIComponent(pkg[1] ?? '')}/${decodeURIComponent(pkg[2] ?? '')}`);
      if (!found) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': found.zip.length, 'x-checksum-sha256': found.sha256 });
      return void res.end(found.zip);
    }
    const log = /^\/api\/v1\/logs\/(.+)$/.exec(url.pathname);
    if (req.method === 'PUT' && log) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const key = (log[1] ?? '').split('/').map(decodeURIComponent).join('/');
        logs.set(key, body.toString('utf8'));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ key, sha256: createHash('sha256').update(body).digest('hex'), sizeBytes: body.length }));
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => em.listen(0, '127.0.0.1', () => r()));
  emUrl = `http://127.0.0.1:${(em.address() as AddressInfo).port}`;
}

function startAgent(): ChildProcess {
  const child = spawn(process.execPath, [AGENT_MAIN], {
    cwd: join(tmp, 'instance'),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? tmp,
      EM_INSTANCE_ID: INSTANCE,
      EM_INSTANCE_DIR: join(tmp, 'instance'),
      EM_PRIVATE_ADDRESS: '127.0.0.1',
      EM_PORTS_FIRST: String(portBlock.first),
      EM_PORTS_LAST: String(portBlock.last),
      EM_TAG_Environment: ENV,
      EM_TAG_EnvironmentType: 'Cluster',
      EM_TAG_Role: ROLE,
      EM_TAG_OwningCluster: 'Infra',
      ENVMGR_REGISTRY_URL: registryServer.url,
      ENVMGR_SERVER: emUrl,
      ENVMGR_TOKEN: TOKEN,
      // the test machine's free disk is not the point here
      ENVMGR_AGENT_MIN_FREE_DISK_MB: '1',
    },
  });
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (agentOutput += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (agentOutput += c));
  return child;
}

const roleKey = (svc: string) => `environments/${ENV}/roles/${ROLE}/services/${svc}/none`;

async function setTarget(svc: string, version: string, deploymentId: string, traceparent?: string): Promise<void> {
  await registry.kvPut(`environments/${ENV}/services/${svc}/${version}/installation`, JSON.stringify({ PackageBucket: 'local', PackageKey: `PACKAGES/${svc}/${version}/${svc}-${version}.zip`, InstallationTimeout: 1 }));
  const trace = traceparent ? { TraceParent: traceparent } : {};
  await registry.kvPut(roleKey(svc), JSON.stringify({ Name: svc, Version: version, Slice: 'none', DeploymentId: deploymentId, InstanceIds: [], Action: 'Install', ...trace }));
}

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

async function nodeStatus(deploymentId: string): Promise<NodeDeploymentStatus | undefined> {
  const read = await registry.kvGet(`deployments/${deploymentId}/nodes/${INSTANCE}`);
  return read.value ? (JSON.parse(read.value.value) as NodeDeploymentStatus) : undefined;
}

const finalStatus = (deploymentId: string, timeoutMs = 20_000) =>
  waitFor(`the final node status of ${deploymentId}`, async () => {
    const s = await nodeStatus(deploymentId);
    return s && s.Status !== 'In Progress' ? s : undefined;
  }, timeoutMs);

async function servicePort(name: string): Promise<number | undefined> {
  const read = await registry.catalogService(name);
  return read.value[0]?.service.port;
}

/** GET / of a Hello-style service: its version and pid (recorded to be killed in afterAll). */
async function hello(port: number): Promise<{ service: string; version: string; pid: number }> {
  const res = await fetch(`http://127.0.0.1:${port}/`);
  const body = (await res.json()) as { service: string; version: string; pid: number };
  servicePids.add(body.pid);
  return body;
}

async function passing(name: string): Promise<unknown[]> {
  const res = await fetch(`${registryServer.url}/v1/health/service/${name}?passing`);
  return (await res.json()) as unknown[];
}

/** Whether `pid` runs; a zombie (ended, not yet reaped by whoever adopted it) counts as gone. */
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

async function stopAgent(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  const child = agent;
  if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill(signal);
  return exited;
}

/** Pids of every pid file the services wrote under the instance folder. */
async function pidFiles(dir: string): Promise<number[]> {
  const out: number[] = [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile() || !e.name.endsWith('.pid')) continue;
    const pid = Number((await readFile(join(e.parentPath, e.name), 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 1) out.push(pid);
  }
  return out;
}

// ---- setup --------------------------------------------------------------------------------------------------

beforeAll(async () => {
  // the agent runs from its build, so build it (and what it imports) first; incremental, so cheap when fresh
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'apps/agent'], { cwd: ROOT, stdio: 'pipe' });
  tmp = await mkdtemp(join(tmpdir(), 'envmgr-agent-int-'));
  await mkdir(join(tmp, 'instance'));
  await buildPackages();
  registry = createBuiltinRegistry({ path: join(tmp, 'registry.db') });
  registryServer = await startRegistryServer({ registry, port: 0 });
  await startEmStandIn();
  portBlock = await freePortBlock(20);
  agent = startAgent();
}, 60_000);

afterAll(async () => {
  await stopAgent('SIGKILL').catch(() => undefined);
  // AGENT_INT_DEBUG=1 prints what the agent said, for a look at its logs
  if (process.env.AGENT_INT_DEBUG) process.stdout.write(agentOutput);
  for (const pid of new Set([...servicePids, ...(tmp ? await pidFiles(join(tmp, 'instance')) : [])])) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await registryServer?.close();
  await registry?.close();
  await new Promise((r) => (em ? em.close(r) : r(undefined)));
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

// ---- the story ----------------------------------------------------------------------------------------------

describe('deployment agent, end to end', () => {
  let helloPort = 0;
  let helloPid = 0;

  it('installs Hello 1.0.0 and Bye 1.0.0 side by side, registered, healthy, with Success statuses and logs', async () => {
    await setTarget('Hello', '1.0.0', 'd1');
    await setTarget('Bye', '1.0.0', 'd2', TRACEPARENT);
    const [s1, s2] = [await finalStatus('d1'), await finalStatus('d2')];
    expect(s1).toMatchObject({ Status: 'Success', LastCompletedStage: 'Complete', NumberOfAttempts: 1, Cause: 'Deployment' });
    expect(s2).toMatchObject({ Status: 'Success', LastCompletedStage: 'Complete' });
    const logKey = `${ENV}/${ENV}-Hello/deployment-${INSTANCE}-d1.log`;
    expect(s1.Log).toBe(`${emUrl}/api/v1/logs/${logKey}`);
    expect(logs.get(logKey)).toMatch(/ValidateService: Hello 1.0.0 answers on port/);
    // the trace context reaches the hook, and the agent's lines of that install carry its trace id
    expect(logs.get(`${ENV}/${ENV}-Bye/deployment-${INSTANCE}-d2.log`)).toContain(`BeforeInstall stdout: BeforeInstall: TRACEPARENT=${TRACEPARENT}`);
    expect(agentOutput).toContain(`[${ENV}-Bye d2 trace=4bf92f3577b34da6a3ce929d0e0e4736]   BeforeInstall stdout: BeforeInstall: TRACEPARENT=${TRACEPARENT}`);
    expect(agentOutput).not.toMatch(/\[c50-Hello d1 trace=/);

    helloPort = (await servicePort(`${ENV}-Hello`)) ?? 0;
    const byePort = (await servicePort(`${ENV}-Bye`)) ?? 0;
    expect(helloPort).toBeGreaterThanOrEqual(portBlock.first);
    expect(byePort).not.toBe(helloPort);
    const h = await hello(helloPort);
    helloPid = h.pid;
    expect(h).toMatchObject({ service: 'Hello', version: '1.0.0' });
    expect(await hello(byePort)).toMatchObject({ service: 'Bye', version: '1.0.0' });

    const [entry] = (await registry.catalogService(`${ENV}-Hello`)).value;
    expect(entry?.node).toEqual({ node: INSTANCE, address: '127.0.0.1' });
    expect(entry?.service.tags).toEqual(expect.arrayContaining(['deployment_id:d1', `server_role:${ROLE}`, 'slice:none', 'version:1.0.0', `environment:${ENV}`]));
    await waitFor('Hello to pass its health check', async () => ((await passing(`${ENV}-Hello`)).length === 1 ? true : undefined));
    await waitFor('Bye to pass its health check', async () => ((await passing(`${ENV}-Bye`)).length === 1 ? true : undefined));
  }, 30_000);

  it('switches Hello to 1.1.0 on the same port', async () => {
    await setTarget('Hello', '1.1.0', 'd3');
    expect(await finalStatus('d3')).toMatchObject({ Status: 'Success', LastCompletedStage: 'Complete' });
    expect(await servicePort(`${ENV}-Hello`)).toBe(helloPort);
    const h = await hello(helloPort);
    expect(h.version).toBe('1.1.0');
    expect(isAlive(helloPid)).toBe(false);
    helloPid = h.pid;
    const [entry] = (await registry.catalogService(`${ENV}-Hello`)).value;
    expect(entry?.service.tags).toEqual(expect.arrayContaining(['deployment_id:d3', 'version:1.1.0']));
    await waitFor('Hello 1.1.0 to pass', async () => ((await passing(`${ENV}-Hello`)).length === 1 ? true : undefined));
  }, 30_000);

  it('reports a failing ValidateService naming the step, cleans up, and keeps 1.1.0 serving and registered', async () => {
    await setTarget('Hello', '1.2.0-validate-fails', 'd4');
    const s = await finalStatus('d4');
    expect(s).toMatchObject({ Status: 'Failed', FailedStage: 'ValidateService', LastCompletedStage: 'ApplicationStart' });
    expect(s.ErrorReason).toContain(`Hello 1.2.0-validate-fails (${ENV}-Hello) failed at ValidateService on ${INSTANCE}`);
    expect(s.ErrorReason).toContain('hooks/validate_service.sh exited with code 1');
    expect(s.ErrorReason).toContain('failing on purpose');
    expect(s.Log).toContain(`deployment-${INSTANCE}-d4.log`);
    const h = await hello(helloPort);
    expect(h.version).toBe('1.1.0');
    helloPid = h.pid;
    const [entry] = (await registry.catalogService(`${ENV}-Hello`)).value;
    expect(entry?.service.tags).toContain('deployment_id:d3');
    // the current and the previous deployment stay; the failed one is gone
    expect((await readdir(join(tmp, 'instance/deployments', `${ENV}-Hello`))).sort()).toEqual(['d1', 'd3']);
    await waitFor('1.1.0 to pass again', async () => ((await passing(`${ENV}-Hello`)).length === 1 ? true : undefined));
  }, 30_000);

  it('times out a hook that hangs and keeps 1.1.0 serving', async () => {
    const started = Date.now();
    await setTarget('Hello', '1.4.0-hangs', 'd5');
    const s = await finalStatus('d5');
    expect(s).toMatchObject({ Status: 'Failed', FailedStage: 'BeforeInstall' });
    expect(s.ErrorReason).toContain('hooks/before_install.sh timed out after 1 s');
    expect(s.ErrorReason).toContain('about to hang');
    expect(Date.now() - started).toBeLessThan(15_000);
    const h = await hello(helloPort);
    expect(h.version).toBe('1.1.0');
    helloPid = h.pid;
  }, 30_000);

  it('refuses a package whose checksum does not match, without stopping 1.1.0', async () => {
    await setTarget('Hello', '1.5.0', 'd6');
    const s = await finalStatus('d6');
    expect(s).toMatchObject({ Status: 'Failed', FailedStage: 'DownloadPackage' });
    expect(s.ErrorReason).toContain('checksum mismatch');
    const h = await hello(helloPort);
    expect(h).toMatchObject({ version: '1.1.0', pid: helloPid });
  }, 30_000);

  it('runs a package without start/stop hooks as a supervised process', async () => {
    await setTarget('Sup', '1.0.0', 'd7');
    expect(await finalStatus('d7')).toMatchObject({ Status: 'Success' });
    const port = (await servicePort(`${ENV}-Sup`)) ?? 0;
    expect(await hello(port)).toMatchObject({ service: 'Sup', version: '1.0.0' });
    await waitFor('Sup to pass', async () => ((await passing(`${ENV}-Sup`)).length === 1 ? true : undefined));
  }, 30_000);

  it('survives its own restart: services keep serving and nothing is reinstalled', async () => {
    const before = (await registry.kvGet(`deployments/d3/nodes/${INSTANCE}`)).value?.modifyIndex;
    expect(await stopAgent('SIGTERM')).toBe(0);
    expect(await hello(helloPort)).toMatchObject({ version: '1.1.0', pid: helloPid });
    const mark = agentOutput.length;
    agent = startAgent();
    await waitFor('the restarted agent to converge', async () => (/target state read: 3 entries, 0 action\(s\)/.test(agentOutput.slice(mark)) ? true : undefined));
    expect(agentOutput.slice(mark)).not.toMatch(/installing /);
    expect((await registry.kvGet(`deployments/d3/nodes/${INSTANCE}`)).value?.modifyIndex).toBe(before);
    expect(await hello(helloPort)).toMatchObject({ version: '1.1.0', pid: helloPid });
    await waitFor('Hello to stay passing', async () => ((await passing(`${ENV}-Hello`)).length === 1 ? true : undefined));
  }, 30_000);

  it('uninstalls a service whose target is removed: deregistered, process gone, files deleted', async () => {
    await registry.kvDelete(roleKey('Hello'));
    await waitFor('Hello to be deregistered', async () => ((await registry.catalogService(`${ENV}-Hello`)).value.length === 0 ? true : undefined));
    await waitFor('the Hello process to end', async () => (isAlive(helloPid) ? undefined : true));
    await expect(fetch(`http://127.0.0.1:${helloPort}/`)).rejects.toThrow();
    // the folder goes last, after the deregistration
    await waitFor('the Hello folder to be deleted', async () => ((await readdir(join(tmp, 'instance/deployments'))).includes(`${ENV}-Hello`) ? undefined : true));
    expect((await readdir(join(tmp, 'instance/deployments'))).sort()).toEqual([`${ENV}-Bye`, `${ENV}-Sup`]);
    const byePort = (await servicePort(`${ENV}-Bye`)) ?? 0;
    expect((await hello(byePort)).service).toBe('Bye');

    const supPid = (await hello((await servicePort(`${ENV}-Sup`)) ?? 0)).pid;
    await registry.kvDelete(roleKey('Bye'));
    await registry.kvDelete(roleKey('Sup'));
    await waitFor('Bye and Sup to be deregistered', async () => ((await registry.catalogServices()).value.length === 0 ? true : undefined));
    await waitFor('the Sup process to end', async () => (isAlive(supPid) ? undefined : true));
    await waitFor('every deployment folder to be deleted', async () => ((await readdir(join(tmp, 'instance/deployments'))).length === 0 ? true : undefined));
    expect(JSON.parse(await readFile(join(tmp, 'instance/agent-state.json'), 'utf8'))).toMatchObject({ services: {}, portPairs: {} });
  }, 30_000);

  it('exits with a message naming a missing tag', async () => {
    const out = spawnSync(process.execPath, [AGENT_MAIN], { env: { PATH: process.env.PATH ?? '', EM_INSTANCE_ID: INSTANCE }, encoding: 'utf8' });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('EM_TAG_Environment is not set');
  });

  it('stops on SIGTERM with exit code 0', async () => {
    expect(await stopAgent('SIGTERM')).toBe(0);
    expect(agentOutput).toContain('agent stopped; installed services keep running');
  });
});
