import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BenchFailure } from './report.js';

/*
 * The parts around the deployment agent, as apps/agent/src/agent.int.test.ts sets them up: a stand-in for EM's
 * package and log API, packages zipped with the `zip` CLI, and the built agent (apps/agent/dist/main.js) as a
 * child process with the environment the local compute gives an instance. The registry is the caller's.
 */

export const AGENT_MAIN = fileURLToPath(new URL('../../apps/agent/dist/main.js', import.meta.url));
export const ENV = 'bench';
export const ROLE = 'Bench';
export const INSTANCE = 'i-0bench00000000001';
export const SERVICE = 'Stamp';
const TOKEN = 'bench-token';

export interface Pkg {
  zip: Buffer;
  sha256: string;
}

const run = promisify(execFile);

/**
 * The Stamp package, one per version: its BeforeInstall (the first hook: there is no ApplicationStop) appends
 * `<DEPLOYMENT_ID> <date +%s%N>` to `stampFile` and exits; AfterInstall, ApplicationStart and ValidateService exit 0.
 */
export async function buildStampPackages(dir: string, stampFile: string, versions: readonly string[]): Promise<Map<string, Pkg>> {
  const out = new Map<string, Pkg>();
  for (const version of versions) {
    const src = join(dir, `${SERVICE}-${version}`);
    await mkdir(join(src, 'hooks'), { recursive: true });
    const stamp = `#!/bin/sh\necho "$DEPLOYMENT_ID $(date +%s%N)" >> '${stampFile}'\n`;
    await writeFile(join(src, 'hooks/before_install.sh'), stamp, { mode: 0o755 });
    await writeFile(join(src, 'hooks/trivial.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const hook = (name: string, file: string): string => `  ${name}:\n    - location: hooks/${file}\n      timeout: 10\n`;
    const hooks = hook('BeforeInstall', 'before_install.sh') + ['AfterInstall', 'ApplicationStart', 'ValidateService'].map((h) => hook(h, 'trivial.sh')).join('');
    await writeFile(join(src, 'appspec.yml'), `version: 0.0\nos: linux\nhooks:\n${hooks}`);
    await writeFile(join(src, 'build.json'), `${JSON.stringify({ service: SERVICE, version })}\n`);
    const zipPath = join(dir, `${SERVICE}-${version}.zip`);
    try {
      await run('zip', ['-q', '-r', '-X', zipPath, '.'], { cwd: src });
    } catch (err) {
      throw new BenchFailure('zipping the benchmark package failed (is the `zip` CLI installed?)', { cause: err });
    }
    const zip = await readFile(zipPath);
    out.set(`${SERVICE}/${version}`, { zip, sha256: createHash('sha256').update(zip).digest('hex') });
  }
  return out;
}

/** The installation metadata of one version, as the test writes it: where the agent downloads the package from. */
export const installationValue = (version: string): string =>
  JSON.stringify({ PackageBucket: 'local', PackageKey: `PACKAGES/${SERVICE}/${version}/${SERVICE}-${version}.zip`, InstallationTimeout: 1 });

/** A target state entry for the role key. */
export const targetValue = (version: string, deploymentId: string): string =>
  JSON.stringify({ Name: SERVICE, Version: version, Slice: 'none', DeploymentId: deploymentId, InstanceIds: [], Action: 'Install' });

/** A stand-in for EM's package and log API (the parts the agent calls); uploaded logs are discarded. */
export async function startPackageApi(packages: ReadonlyMap<string, Pkg>): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end();
    const path = new URL(req.url ?? '/', 'http://em').pathname;
    const pkg = /^\/api\/v1\/packages\/([^/]+)\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && pkg) {
      const found = packages.get(`${decodeURIComponent(pkg[1] ?? '')}/${decodeURIComponent(pkg[2] ?? '')}`);
      if (!found) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': found.zip.length, 'x-checksum-sha256': found.sha256 });
      return void res.end(found.zip);
    }
    const log = /^\/api\/v1\/logs\/(.+)$/.exec(path);
    if (req.method === 'PUT' && log) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ key: log[1], sha256: createHash('sha256').update(body).digest('hex'), sizeBytes: body.length }));
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((r) => server.close(() => r())) };
}

export interface Child {
  pid: number;
  /** The last 20,000 characters it wrote (stdout and stderr). */
  output(): string;
  /** Whether it has exited, and how. */
  exited(): string | undefined;
  /** SIGTERM, then SIGKILL after 10 s; resolves once it has exited. */
  stop(): Promise<void>;
}

function watch(child: ChildProcess, what: string): Child {
  if (child.pid === undefined) throw new BenchFailure(`${what} did not start`);
  let output = '';
  const keep = (c: string): void => void (output = (output + c).slice(-20_000));
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  const exited = (): string | undefined =>
    child.exitCode !== null ? `exit code ${child.exitCode}` : child.signalCode !== null ? `signal ${child.signalCode}` : undefined;
  return {
    pid: child.pid,
    output: () => output,
    exited,
    stop: async () => {
      if (exited()) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.kill('SIGTERM');
      await done;
      clearTimeout(timer);
    },
  };
}

/** Starts the built agent for `INSTANCE` in `instanceDir`, pointed at the registry and the package API. */
export async function startAgent(o: { instanceDir: string; registryUrl: string; serverUrl: string }): Promise<Child> {
  if (!existsSync(AGENT_MAIN)) throw new BenchFailure(`${AGENT_MAIN} is missing; build it first (npx tsc -b bench)`);
  const ports = await freePortBlock(10);
  await mkdir(o.instanceDir, { recursive: true });
  const child = spawn(process.execPath, [AGENT_MAIN], {
    cwd: o.instanceDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? o.instanceDir,
      EM_INSTANCE_ID: INSTANCE,
      EM_INSTANCE_DIR: o.instanceDir,
      EM_PRIVATE_ADDRESS: '127.0.0.1',
      EM_PORTS_FIRST: String(ports.first),
      EM_PORTS_LAST: String(ports.last),
      EM_TAG_Environment: ENV,
      EM_TAG_EnvironmentType: 'Cluster',
      EM_TAG_Role: ROLE,
      EM_TAG_OwningCluster: 'Infra',
      ENVMGR_REGISTRY_URL: o.registryUrl,
      ENVMGR_SERVER: o.serverUrl,
      ENVMGR_TOKEN: TOKEN,
      ENVMGR_AGENT_MIN_FREE_DISK_MB: '1',
    },
  });
  return watch(child, 'the agent');
}

/** The RSS baseline: a Node.js process that does nothing but keep its event loop alive. */
export function startBareNode(): Child {
  return watch(spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: ['ignore', 'pipe', 'pipe'] }), 'the bare node process');
}

async function freePortBlock(size: number): Promise<{ first: number; last: number }> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  const first = Math.min(port, 65535 - size);
  return { first, last: first + size - 1 };
}

/** VmRSS of `pid` from /proc/<pid>/status, in MB (MiB). */
export async function rssMb(pid: number): Promise<number> {
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch (err) {
    throw new BenchFailure(`cannot read /proc/${pid}/status (Linux only; has the process exited?)`, { cause: err });
  }
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  if (kb === undefined) throw new BenchFailure(`/proc/${pid}/status has no VmRSS line`);
  return Number(kb) / 1024;
}

/** Samples the RSS of each pid every `everyMs` while `when()` holds, until stopped; one list of samples per pid. */
export function sampleRss(pids: readonly number[], everyMs: number, when: () => boolean): { stop(): Promise<number[][]> } {
  const samples = pids.map((): number[] => []);
  let failure: Error | undefined;
  const pending = new Set<Promise<void>>();
  const timer = setInterval(() => {
    if (!when()) return;
    const p = Promise.all(pids.map(rssMb)).then(
      (mbs) => mbs.forEach((mb, i) => samples[i]?.push(mb)),
      (err: unknown) => void (failure ??= err instanceof Error ? err : new BenchFailure(String(err))),
    );
    pending.add(p);
    void p.finally(() => pending.delete(p));
  }, everyMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all(pending);
      if (failure) throw failure;
      return samples;
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Wall-clock time in ms with sub-millisecond resolution, comparable with `date +%s%N`: anchored to Date.now() at the
 * instant it ticks over (a busy wait of at most 1 ms), then advanced with performance.now().
 */
export function wallClock(): () => number {
  const start = Date.now();
  let now = start;
  while (now === start) now = Date.now();
  const offset = now - performance.now();
  return () => offset + performance.now();
}
