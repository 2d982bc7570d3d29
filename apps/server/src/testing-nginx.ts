import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './testing.js';

// A throwaway nginx and `envmgr edge` for integration tests (TOOLING.md: Debian's nginx on loopback, with its own
// prefix, pid and logs). Test support only.
export const NGINX = '/usr/sbin/nginx';
export const HAS_NGINX = existsSync(NGINX);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = join(ROOT, 'apps/cli/bin/envmgr.js');

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** Starts nginx in the foreground on `dir`, including `<dir>/conf.d/*.conf` in its http block. */
export async function startNginx(dir: string): Promise<{ nginx: ChildProcess; main: string; confDir: string }> {
  const confDir = join(dir, 'conf.d');
  await mkdir(confDir);
  const main = join(dir, 'nginx.conf');
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, t)};`).join('\n');
  await writeFile(main, `daemon off;\npid ${join(dir, 'nginx.pid')};\nerror_log ${join(dir, 'error.log')};\nevents { worker_connections 256; }\nhttp {\n  access_log off;\n${temp}\n  include ${confDir}/*.conf;\n}\n`);
  const nginx = spawn(NGINX, ['-p', `${dir}/`, '-e', join(dir, 'error.log'), '-c', main], { stdio: 'ignore' });
  await waitFor('nginx to write its pid', async () => existsSync(join(dir, 'nginx.pid')) || undefined, { timeoutMs: 10_000 });
  return { nginx, main, confDir };
}

/** Starts the built `envmgr edge` for a load-balancer group against `em`, keeping nginx (of `startNginx`) configured. */
export function startEdge(p: { em: { url: string; token: string }; dir: string; group: string; main: string; confDir: string; args?: readonly string[] }): { edge: ChildProcess; log: () => string } {
  if (!existsSync(join(ROOT, 'apps/cli/dist/main.js'))) throw new TypeError('apps/cli is not built: run `npx tsc -b` first');
  let log = '';
  const edge = spawn(process.execPath, [CLI, 'edge', '--group', p.group, '--conf-dir', p.confDir, '--nginx', NGINX, '--nginx-prefix', `${p.dir}/`, '--nginx-conf', p.main, ...(p.args ?? [])], {
    env: { ...process.env, ENVMGR_SERVER: p.em.url, ENVMGR_TOKEN: p.em.token, ENVMGR_CONFIG_DIR: join(p.dir, 'cli') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  edge.stderr?.setEncoding('utf8').on('data', (c: string) => (log += c));
  return { edge, log: () => log };
}

/** One GET through nginx as the virtual host's clients send it; status 0 when it failed. */
export function viaNginx(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((done) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host }, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
      res.on('error', () => done({ status: 0, body: '' }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => done({ status: 0, body: '' }));
    req.end();
  });
}
