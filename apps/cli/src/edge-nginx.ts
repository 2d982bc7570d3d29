import { join } from 'node:path';
import type { EdgeHost } from './edge-host.js';

/** Where `envmgr edge` writes and how it tells nginx. */
export interface NginxTarget {
  /** The folder nginx includes in its `http` block (`include <dir>/*.conf;`). */
  confDir: string;
  /** The file's name in `confDir`. @default envmgr-edge.conf */
  fileName: string;
  /** The nginx binary, for `nginx -t` and, without `reloadCommand`, `nginx -s reload`. @default /usr/sbin/nginx */
  nginx: string;
  /** `-p` and `-c` for `nginx -s reload`, when nginx runs with its own prefix or main file. */
  prefix?: string | undefined;
  mainConf?: string | undefined;
  /** A command run with `/bin/sh -c` instead of `nginx -s reload` (e.g. `systemctl reload nginx`). */
  reloadCommand?: string | undefined;
}

export type ApplyOutcome =
  /** The file already holds this rendering (and the last reload succeeded): nothing done. */
  | { kind: 'unchanged' }
  /** Written and nginx reloaded. */
  | { kind: 'reloaded' }
  /** `nginx -t` refused the rendering: the file and nginx were left as they were. */
  | { kind: 'invalid'; output: string }
  /** The file was replaced (it passed `nginx -t`) but the reload failed; the next apply reloads again. */
  | { kind: 'reload-failed'; output: string };

/**
 * Puts a rendering in place the safe way: test it with `nginx -t` in a throw-away main file (its own prefix, pid and
 * logs, so the running nginx is not touched), then rename it over the live file and reload. A rendering that fails
 * the test is never written where nginx reads it, so the last good one keeps serving.
 */
export function createNginxApplier(host: EdgeHost, target: NginxTarget) {
  const live = join(target.confDir, target.fileName);
  let reloadPending = false;
  return {
    livePath: live,
    async apply(text: string): Promise<ApplyOutcome> {
      if (!reloadPending && (await host.readText(live)) === text) return { kind: 'unchanged' };
      if (!reloadPending || (await host.readText(live)) !== text) {
        const tested = await testRendering(host, target.nginx, text);
        if (!tested.ok) return { kind: 'invalid', output: tested.output };
        // a dot file with another suffix: nginx's `include *.conf` never picks up a half-written file
        const temp = join(target.confDir, `.${target.fileName}.tmp`);
        await host.writeText(temp, text);
        await host.rename(temp, live);
      }
      const reloaded = await reload(host, target);
      reloadPending = reloaded.code !== 0;
      return reloadPending ? { kind: 'reload-failed', output: reloaded.output } : { kind: 'reloaded' };
    },
  };
}

/** `nginx -t` of the rendering alone, inside a minimal main file of a temporary prefix. */
export async function testRendering(host: EdgeHost, nginx: string, text: string): Promise<{ ok: boolean; output: string }> {
  const dir = await host.makeTempDir('envmgr-edge-test-');
  try {
    const included = join(dir, 'rendered.conf');
    const main = join(dir, 'nginx.conf');
    await host.writeText(included, text);
    await host.writeText(main, testMainFile(dir, included));
    const r = await host.exec(nginx, ['-t', '-q', '-p', `${dir}/`, '-e', join(dir, 'error.log'), '-c', main]);
    return { ok: r.code === 0, output: r.output };
  } finally {
    await host.remove(dir);
  }
}

function testMainFile(dir: string, included: string): string {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${join(dir, t)};`);
  return [
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')};`,
    'events {}',
    'http {',
    `    access_log off;`,
    ...temp,
    `    include ${included};`,
    '}',
    '',
  ].join('\n');
}

function reload(host: EdgeHost, target: NginxTarget): Promise<{ code: number; output: string }> {
  if (target.reloadCommand !== undefined) return host.exec('/bin/sh', ['-c', target.reloadCommand]);
  const args = [...(target.prefix ? ['-p', target.prefix] : []), ...(target.mainConf ? ['-c', target.mainConf] : []), '-s', 'reload'];
  return host.exec(target.nginx, args);
}
