import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/*
 * A real EM server in embedded mode for the end-to-end tests: the built server as `npm start` runs it (SQLite, the
 * built-in registry, local compute with real agents), started as a child process on free loopback ports. The web
 * app talks to it over HTTP only, so these tests import nothing of the server.
 */

export const ROOT = resolve(import.meta.dirname, '../../../..');
const SERVER_BIN = join(ROOT, 'apps/server/bin/envmgr-server.js');
const WEB = join(ROOT, 'apps/web');

export interface EmServer {
  url: string;
  dataDir: string;
  /** A bearer token of the bootstrap admin. */
  token: string;
  /** fetch with the admin's token; JSON bodies get their content type. */
  api(path: string, init?: { method?: string; body?: unknown; raw?: ArrayBuffer; contentType?: string }): Promise<Response>;
  stop(): Promise<void>;
}

/** Whether the built server exists (`tsc -b`, as `npm test` and `npm start` run first). */
export function isServerBuilt(): boolean {
  return existsSync(join(ROOT, 'apps/server/dist/main.js'));
}

/** Builds the web app when dist/ is missing or older than a source file, so the server serves the code under test. */
export function ensureWebBuilt(): void {
  const index = join(WEB, 'dist/index.html');
  const builtAt = existsSync(index) ? statSync(index).mtimeMs : 0;
  if (builtAt > 0 && newestMtime(join(WEB, 'src')) < builtAt && statSync(join(WEB, 'index.html')).mtimeMs < builtAt) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: WEB, stdio: 'inherit' });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export async function startEmServer(opts: { adminPassword: string; env?: Record<string, string> }): Promise<EmServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'envmgr-web-e2e-'));
  const child = spawn(process.execPath, [SERVER_BIN], {
    env: {
      ...process.env,
      ENVMGR_PORT: '0',
      ENVMGR_REGISTRY_PORT: '0',
      ENVMGR_EDGE_PORT: '0',
      ENVMGR_DATA_DIR: join(dataDir, 'data'),
      ENVMGR_ADMIN_PASSWORD: opts.adminPassword,
      ENVMGR_LOG_LEVEL: 'warn',
      ENVMGR_AGENT_MIN_FREE_DISK_MB: '1',
      ...opts.env,
    },
  });
  let output = '';
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((ok, fail) => {
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m?.[1]) ok(m[1]);
    });
    child.once('exit', (code) => fail(new TypeError(`the EM server exited with ${code}: ${output.slice(-3000)}`)));
  });
  const login = await fetch(`${url}/api/v1/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: opts.adminPassword }) });
  const { token } = (await login.json()) as { token: string };
  const api: EmServer['api'] = (path, init = {}) =>
    fetch(`${url}${path}`, {
      method: init.method ?? (init.body !== undefined || init.raw ? 'POST' : 'GET'),
      headers: { authorization: `Bearer ${token}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(init.contentType ? { 'content-type': init.contentType } : {}) },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : init.raw ? { body: init.raw } : {}),
    });
  return {
    url,
    dataDir,
    token,
    api,
    async stop() {
      // instances outlive EM by design: delete their groups first, then stop EM, then end what is left of this run
      const groups = (await (await api('/api/v1/asgs')).json().catch(() => [])) as { name?: string; AutoScalingGroupName?: string }[];
      for (const g of Array.isArray(groups) ? groups : []) {
        const name = g.name ?? g.AutoScalingGroupName;
        if (name) await api(`/api/v1/asgs/${encodeURIComponent(name)}`, { method: 'DELETE' }).catch(() => undefined);
      }
      await stopChild(child);
      for (const pid of processesMentioning(dataDir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

/** Ids of processes whose command line names `dir` (the agents this run's server started). */
function processesMentioning(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) pids.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return pids;
}

/** Zips a built version of the example service and uploads it as a package. */
export async function uploadExamplePackage(em: EmServer, service: string, version: string): Promise<void> {
  const example = join(ROOT, 'examples/hello-service');
  if (!existsSync(join(example, 'dist', version))) execFileSync(process.execPath, [join(example, 'build.mjs')], { stdio: 'ignore' });
  const zip = join(em.dataDir, `${service}-${version}.zip`);
  execFileSync('zip', ['-q', '-r', '-X', zip, '.'], { cwd: join(example, 'dist', version) });
  const r = await em.api(`/api/v1/packages/${service}/${version}`, { method: 'PUT', raw: Uint8Array.from(await readFile(zip)).buffer, contentType: 'application/zip' });
  if (r.status !== 201) throw new TypeError(`uploading ${service} ${version} failed: ${r.status} ${await r.text()}`);
}
