import { spawn, type ChildProcess } from 'node:child_process';
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

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'envmgr-quickstart-'));
    configDir = join(dataDir, 'cli-config');
    server = spawn(process.execPath, [SERVER], {
      env: { ...process.env, ENVMGR_PORT: '0', ENVMGR_DATA_DIR: join(dataDir, 'data'), ENVMGR_LOG_LEVEL: 'info', ENVMGR_ADMIN_PASSWORD: ADMIN_PASSWORD, ENVMGR_REGISTRY_PORT: '0' },
    });
    server.stderr?.on('data', (d: Buffer) => (serverOutput += d.toString()));
    url = await new Promise<string>((ok, fail) => {
      let out = '';
      server.stdout?.on('data', (d: Buffer) => {
        serverOutput += d.toString();
        out += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m?.[1]) ok(m[1]);
      });
      server.once('exit', (code) => fail(new TypeError(`server exited with ${code}: ${out}`)));
    });
  });

  afterAll(async () => {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  });

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
  });

  it('tells the user when the server is unreachable (exit 3) or the type is unknown (exit 2)', async () => {
    const down = await envmgr('http://127.0.0.1:9', 'config', 'list', 'clusters');
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('127.0.0.1:9');
    const unknown = await envmgr(url, 'config', 'list', 'widgets');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('environment-types');
  });
});
