import type { Command } from 'commander';
import { renderNginxConfig } from '@envmgr/domain';
import type { Context } from './context.js';
import { describeProblems, runEdgeLoop } from './edge-loop.js';
import { createNginxApplier } from './edge-nginx.js';
import { readRegistryEndpoints, registryNamesOf } from './edge-registry.js';
import { followChanges, readGroup } from './edge-source.js';
import { EXIT, ExitWithCode, UsageError } from './failure.js';

const DEFAULT_NGINX = '/usr/sbin/nginx';
const DEFAULT_REGISTRY_DOMAIN = 'service.consul';

interface EdgeFlags {
  group: string;
  confDir: string;
  env?: string;
  fileName: string;
  nginx: string;
  nginxPrefix?: string;
  nginxConf?: string;
  reloadCommand?: string;
  registryDomain: string;
  interval: string;
  registry?: string;
  once?: boolean;
}

/** `envmgr edge` and `envmgr nginx render`: nginx configuration of a load-balancer group (SPEC §7, docs/traffic.md). */
export function registerEdgeCommands(program: Command, ctx: Context): void {
  program
    .command('edge')
    .description('keep an nginx configured from the LB settings and upstreams of a load-balancer group: render, nginx -t, reload, and follow changes')
    .requiredOption('--group <load-balancer-group>', 'the load-balancer group: an environment type')
    .requiredOption('--conf-dir <dir>', 'the folder nginx includes in its http block (include <dir>/*.conf;)')
    .option('--env <environment>', 'only this environment of the group')
    .option('--file-name <name>', 'the file written in --conf-dir', 'envmgr-edge.conf')
    .option('--nginx <path>', 'the nginx binary, for nginx -t and nginx -s reload', DEFAULT_NGINX)
    .option('--nginx-prefix <dir>', 'nginx -p for the reload, when nginx runs with its own prefix')
    .option('--nginx-conf <file>', 'nginx -c for the reload, when nginx runs with its own main file')
    .option('--reload-command <command>', 'run with /bin/sh -c instead of nginx -s reload (e.g. "systemctl reload nginx")')
    .option('--registry-domain <domain>', 'appended to registry names of hosts, for Consul DNS ("" for none)', DEFAULT_REGISTRY_DOMAIN)
    .option('--interval <seconds>', 'read the configuration at least this often, even without announced changes', '30')
    .option('--registry <url>', "write each registry host's passing instances as servers, read from this Consul HTTP API (EM's built-in registry, or Consul) instead of Consul DNS; reads every --interval (use 1-2 s)")
    .option('--once', 'render and apply once, then exit (1 when the rendering or nginx -t failed)')
    .action(async (opts: EdgeFlags, cmd: Command) => {
      const host = ctx.io.edge;
      if (!host) throw new UsageError('envmgr edge needs a machine to run nginx on; it cannot run here');
      const intervalMs = seconds(opts.interval) * 1000;
      const client = await ctx.client(cmd);
      const token = (await ctx.token(cmd))?.token;
      const log = (line: string) => ctx.note(`${ctx.now().toISOString()} edge: ${line}`);
      const applier = createNginxApplier(host, {
        confDir: opts.confDir,
        fileName: opts.fileName,
        nginx: opts.nginx,
        prefix: opts.nginxPrefix,
        mainConf: opts.nginxConf,
        reloadCommand: opts.reloadCommand,
      });
      let stopped = false;
      const changes = followChanges({
        fetch: host.fetch,
        server: ctx.server(cmd),
        headers: token ? { authorization: `Bearer ${token}` } : {},
        onState: (state, detail) => log(state === 'open' ? 'following changes on GET /api/v1/events' : `the event stream dropped (${detail}); reading every ${opts.interval} s until it is back`),
      });
      const release = host.onStop(() => {
        stopped = true;
        changes.close();
      });
      try {
        log(`rendering load-balancer group ${opts.group} into ${applier.livePath}`);
        const result = await runEdgeLoop(
          { read: () => readSource(client, opts), apply: (text) => applier.apply(text), changes, log, isStopped: () => stopped },
          { registryDomain: opts.registryDomain, intervalMs, once: opts.once === true },
        );
        if (opts.once && result !== 'ok') throw new ExitWithCode(EXIT.refused);
      } finally {
        release();
        changes.close();
      }
    });

  program
    .command('nginx')
    .description('nginx configuration of a load-balancer group')
    .command('render')
    .description('print the nginx configuration envmgr edge would write for a load-balancer group (upstream and server blocks)')
    .requiredOption('--group <load-balancer-group>', 'the load-balancer group: an environment type')
    .option('--env <environment>', 'only this environment of the group')
    .option('--registry-domain <domain>', 'appended to registry names of hosts, for Consul DNS ("" for none)', DEFAULT_REGISTRY_DOMAIN)
    .action(async (opts: { group: string; env?: string; registryDomain: string }, cmd: Command) => {
      const source = await readGroup(await ctx.client(cmd), opts.group, opts.env);
      const rendered = renderNginxConfig(source, { registryDomain: opts.registryDomain });
      if (!rendered.ok) {
        ctx.note(`error: the configuration of load-balancer group ${opts.group} cannot be rendered for nginx:`);
        ctx.note(describeProblems(rendered.problems));
        ctx.note('hint: fix each item (`envmgr config get <type> <key>`, `envmgr config update ...`), then render again');
        throw new ExitWithCode(EXIT.refused);
      }
      if (source.upstreams.length === 0 && source.lbSettings.length === 0) ctx.note(`note: load-balancer group ${opts.group} has no LB settings or upstreams (is it an environment type with environments?)`);
      for (const p of rendered.ignored) ctx.note(`note: not rendered (no nginx directive): ${p.item} ${p.path}`);
      ctx.write(rendered.text);
    });
}

async function readSource(client: Parameters<typeof readGroup>[0], opts: Pick<EdgeFlags, 'group' | 'env' | 'registry'>) {
  const source = await readGroup(client, opts.group, opts.env);
  if (opts.registry === undefined) return source;
  return { ...source, instances: await readRegistryEndpoints((url) => fetch(url), opts.registry, registryNamesOf(source)) };
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 1 || n > 3600) throw new UsageError(`--interval must be a number of seconds from 1 to 3600, got '${value}'`);
  return n;
}
