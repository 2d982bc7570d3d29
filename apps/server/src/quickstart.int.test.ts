import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The README's quickstart, as a user runs it: the built server (as `npm start` runs it) and the `envmgr` bin shim.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SERVER = join(ROOT, 'apps/server/bin/envmgr-server.js');
const CLI = join(ROOT, 'apps/cli/bin/envmgr.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const ADMIN_PASSWORD = 'quickstart-admin-password';
let configDir = '';
let serverOutput = '';

function envmgr(server: string, ...args: string[]): Promise<Run> {
  return envmgrWithInput(server, '', ...args);
}

function envmgrWithInput(server: string, input: string, ...args: string[]): Promise<Run> {
  return new Promise((done) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ENVMGR_SERVER: server, ENVMGR_CONFIG_DIR: configDir };
    delete env['ENVMGR_TOKEN'];
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env });
    child.stdin.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('README quickstart against the built server and CLI', () => {
  let server: ChildProcess;
  let url = '';
  let dataDir = '';
  let registryPort = '';

  /** Starts the built server on the data dir; ports 0 pick free ones. Resolves with its URL and registry port. */
  const startEm = async (ports: { http: string; registry: string }): Promise<{ url: string; registryPort: string }> => {
    server = spawn(process.execPath, [SERVER], {
      env: { ...process.env, ENVMGR_PORT: ports.http, ENVMGR_DATA_DIR: join(dataDir, 'data'), ENVMGR_LOG_LEVEL: 'info', ENVMGR_ADMIN_PASSWORD: ADMIN_PASSWORD, ENVMGR_REGISTRY_PORT: ports.registry, ENVMGR_EDGE_PORT: '0' },
    });
    server.stderr?.on('data', (d: Buffer) => (serverOutput += d.toString()));
    return new Promise((ok, fail) => {
      let out = '';
      server.stdout?.on('data', (d: Buffer) => {
        serverOutput += d.toString();
        out += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        const r = /"url":"http:\/\/127\.0\.0\.1:(\d+)","msg":"built-in registry is listening"/.exec(out);
        if (m?.[1] && r?.[1]) ok({ url: m[1], registryPort: r[1] });
      });
      server.once('exit', (code) => fail(new TypeError(`server exited with ${code}: ${out}`)));
    });
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'envmgr-quickstart-'));
    configDir = join(dataDir, 'cli-config');
    ({ url, registryPort } = await startEm({ http: '0', registry: '0' }));
  });

  afterAll(async () => {
    // instances outlive EM by design: delete their group, then stop EM and end whatever is left in the data dir
    const token = Object.values(JSON.parse(await readFile(join(configDir, 'credentials.json'), 'utf8').catch(() => '{}')) as Record<string, { token: string }>)[0]?.token;
    if (token) await fetch(`${url}/api/v1/asgs/dev1-in-Web`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    try {
      execFileSync('pkill', ['-f', dataDir]);
    } catch {
      // none left
    }
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('signs in, creates, lists, edits, audits, exports and re-imports', async () => {
    const denied = await envmgr(url, 'config', 'list', 'clusters');
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('envmgr login');
    const login = await envmgrWithInput(url, `${ADMIN_PASSWORD}\n`, 'login', '--user', 'admin', '--password-stdin');
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout + login.stderr).not.toContain(ADMIN_PASSWORD);
    expect(JSON.parse((await envmgr(url, 'whoami', '--json')).stdout)).toMatchObject({ user: 'admin', isAdmin: true });
    for (const [file, type] of [
      ['cluster', 'clusters'],
      ['environment-type', 'environment-types'],
      ['service', 'services'],
      ['deployment-map', 'deployment-maps'],
      ['environment', 'environments'],
    ]) {
      const r = await envmgr(url, 'config', 'create', type!, '--file', `examples/quickstart/${file}.json`);
      expect(r.code, r.stderr).toBe(0);
    }
    const list = await envmgr(url, 'config', 'list', 'environments', '--json');
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ EnvironmentName: 'dev1', Version: 1 })]);

    const got = await envmgr(url, 'config', 'get', 'environments', 'dev1');
    const file = join(dataDir, 'dev1.json');
    await writeFile(file, got.stdout.replace('my first environment', 'edited'));
    expect((await envmgr(url, 'config', 'update', 'environments', 'dev1', '--file', file)).code).toBe(0);
    const stale = await envmgr(url, 'config', 'update', 'environments', 'dev1', '--file', file);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('envmgr config get environments dev1');

    const audit = await envmgr(url, 'audit', '--type', 'environments', '--json');
    expect((JSON.parse(audit.stdout) as unknown[]).length).toBe(2);
    expect((await envmgr(url, 'audit', 'verify')).code).toBe(0);

    const backup = join(dataDir, 'backup.json');
    expect((await envmgr(url, 'config', 'export', '--output', backup)).code).toBe(0);
    expect(JSON.parse(await readFile(backup, 'utf8'))).toMatchObject({ format: 'envmgr-config', items: { environments: [{ Version: 2 }] } });
    // nothing secret reaches the server's logs: neither the password nor the API token the CLI stored
    const stored = JSON.parse(await readFile(join(configDir, 'credentials.json'), 'utf8')) as Record<string, { token: string }>;
    const apiToken = Object.values(stored)[0]?.token ?? '';
    expect(apiToken).toMatch(/^emt_/);
    expect(serverOutput.length).toBeGreaterThan(1000);
    for (const secret of [ADMIN_PASSWORD, apiToken, apiToken.slice(apiToken.indexOf('_', 4) + 1)]) expect(serverOutput).not.toContain(secret);
    const dry = await envmgr(url, 'config', 'import', '--file', backup, '--dry-run', '--json');
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, summary: { unchanged: 10, create: 0 } }); // 5 created + admin, its group and set + the agents' account and set
  }, 90_000);

  it('deploys the example service to 3 local instances, rolls 1.1.0 onto them, and finishes a deployment EM was killed in', async () => {
    execFileSync(process.execPath, ['examples/hello-service/build.mjs'], { cwd: ROOT, stdio: 'ignore' });
    for (const version of ['1.0.0', '1.1.0']) {
      const up = await envmgr(url, 'package', 'upload', 'Hello', version, `examples/hello-service/dist/${version}`);
      expect(up.code, up.stderr).toBe(0);
    }
    const served = async () => {
      const health = JSON.parse((await envmgr(url, 'health', 'Hello', '--env', 'dev1', '--json')).stdout) as { instances: { address: string; port: number; status: string }[] };
      const passing = health.instances.filter((i) => i.status === 'passing');
      return Promise.all(passing.map(async (i) => (await (await fetch(`http://127.0.0.1:${i.port}/`)).text()).trim()));
    };
    const first = await envmgr(url, 'deploy', 'Hello', '1.0.0', '--env', 'dev1', '--wait');
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const v1 = await served();
    expect(v1).toHaveLength(3);
    expect(v1.every((t) => t.includes('1.0.0'))).toBe(true);
    const second = await envmgr(url, 'deploy', 'Hello', '1.1.0', '--env', 'dev1', '--wait');
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect((await served()).every((t) => t.includes('1.1.0'))).toBe(true);

    // kill -9 EM while a deployment runs; the restarted server finishes it
    const started = JSON.parse((await envmgr(url, 'deploy', 'Hello', '1.0.0', '--env', 'dev1', '--json')).stdout) as { id: string };
    const status = async () => (JSON.parse((await envmgr(url, 'deployment', started.id, '--json')).stdout) as { status: string }).status;
    for (let i = 0; i < 200 && !['deploying', 'succeeded'].includes(await status()); i++) await new Promise((r) => setTimeout(r, 50));
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    const port = new URL(url).port;
    ({ url } = await startEm({ http: port, registry: registryPort }));
    let final = '';
    for (let i = 0; i < 300 && !['succeeded', 'failed', 'cancelled'].includes((final = await status())); i++) await new Promise((r) => setTimeout(r, 200));
    if (final !== 'succeeded') {
      const detail = (await envmgr(url, 'deployment', started.id, '--json')).stdout;
      const servers = (await envmgr(url, 'servers', 'dev1')).stdout;
      throw new TypeError(`deployment ended ${final}:\n${detail}\n${servers}\n--- server output ---\n${serverOutput.slice(-6000)}`);
    }
    expect((await served()).every((t) => t.includes('1.0.0'))).toBe(true);
  }, 240_000);

  it('tells the user when the server is unreachable (exit 3) or the type is unknown (exit 2)', async () => {
    const down = await envmgr('http://127.0.0.1:9', 'config', 'list', 'clusters');
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('127.0.0.1:9');
    const unknown = await envmgr(url, 'config', 'list', 'widgets');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('environment-types');
  });
});
