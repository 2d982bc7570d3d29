import type { Command } from 'commander';
import { ApiError, type ServiceSlicesDto, type ToggleResultDto, type UpstreamSliceDto } from '@envmgr/api-contract';
import type { Context } from './context.js';
import { EXIT, ExitWithCode, UsageError } from './failure.js';
import { table, toJson } from './output.js';

type Slice = 'blue' | 'green';

function sliceOption(value: string | undefined): Slice | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if (v === 'blue' || v === 'green') return v;
  throw new UsageError(`--active must be blue or green, not '${value}'`);
}

/** `envmgr toggle|slices|upstreams`: which slice takes a service's traffic, and moving it (SPEC §7). */
export function registerTrafficCommands(program: Command, ctx: Context): void {
  program
    .command('toggle')
    .description("move a service's traffic in an environment to its other slice (every upstream of the service there)")
    .argument('<service>', 'the service')
    .requiredOption('--env <environment>', 'the environment')
    .option('--active <slice>', 'the slice to make active, blue or green; without it each upstream flips')
    .option('--json', 'print the server’s answer as JSON')
    .action(async (service: string, opts: { env: string; active?: string; json?: boolean }, cmd: Command) => {
      const active = sliceOption(opts.active);
      const client = await ctx.client(cmd);
      const answer = await client.toggleServiceSlices(service, { environment: opts.env, active }).catch((err: unknown) => refusal(ctx, err, { service, env: opts.env }));
      if (opts.json) return ctx.write(toJson(answer));
      printToggle(ctx, answer);
    });

  program
    .command('slices')
    .description("a service's slices in an environment: which takes traffic, versions, health, and its upstreams' hosts")
    .argument('<service>', 'the service')
    .requiredOption('--env <environment>', 'the environment')
    .option('--json', 'print the server’s answer as JSON')
    .action(async (service: string, opts: { env: string; json?: boolean }, cmd: Command) => {
      const answer = await (await ctx.client(cmd)).serviceSlices(service, { environment: opts.env });
      if (opts.json) return ctx.write(toJson(answer));
      printSlices(ctx, answer);
    });

  program
    .command('upstreams')
    .description('upstreams with their hosts, active (up) and inactive (down)')
    .option('--env <environment>', 'only this environment’s')
    .option('--service <service>', 'only this service’s (exact name)')
    .option('--json', 'print the upstreams as JSON')
    .action(async (opts: { env?: string; service?: string; json?: boolean }, cmd: Command) => {
      const client = await ctx.client(cmd);
      const filters = { ...(opts.env !== undefined ? { environment: opts.env } : {}), ...(opts.service !== undefined ? { service: opts.service } : {}) };
      const items: unknown[] = [];
      for await (const item of client.listAll('upstreams', { filters })) items.push(item);
      if (opts.json) return ctx.write(toJson(items));
      printUpstreams(ctx, items, opts.env);
    });
}

/** Prints what a refused toggle needs, for the refusals only a toggle has; others go to the common report. */
function refusal(ctx: Context, err: unknown, p: { service: string; env: string }): never {
  if (!(err instanceof ApiError)) throw err;
  const problem: Record<string, unknown> = err.problem ?? {};
  const hints: Record<string, string[]> = {
    'upstream-not-toggleable': [
      ...(Array.isArray(problem.problems) ? problem.problems.flatMap((x: unknown) => (isProblem(x) ? [`  ${x.upstream}: ${x.reason}`] : [])) : []),
      `hint: fix the upstreams (\`envmgr upstreams --env ${p.env}\`, \`envmgr config update upstreams <key> --file <path>\`), then toggle again`,
    ],
    'slice-unhealthy': [`hint: see its instances with \`envmgr slices ${p.service} --env ${p.env}\`; deploy to it with \`envmgr deploy ${p.service} <version> --env ${p.env} --slice ${typeof problem.slice === 'string' ? problem.slice : '<slice>'} --wait\``],
    'deployment-in-progress': [`hint: follow it with \`envmgr deployment ${typeof problem.activeDeploymentId === 'string' ? problem.activeDeploymentId : '<id>'}\` and toggle when it has ended`],
    'no-upstreams': [`hint: create an upstream with a host per slice: \`envmgr config create upstreams --file upstream.json\` (see docs/traffic.md)`],
    'version-conflict': [`hint: someone changed the upstreams meanwhile: check \`envmgr slices ${p.service} --env ${p.env}\` and toggle again`],
  };
  const lines = hints[err.code];
  if (!lines) throw err;
  ctx.note(`error: ${err.message}`);
  lines.forEach((l) => ctx.note(l));
  throw new ExitWithCode(EXIT.refused);
}

function isProblem(x: unknown): x is { upstream: string; reason: string } {
  return typeof x === 'object' && x !== null && typeof (x as { upstream?: unknown }).upstream === 'string' && typeof (x as { reason?: unknown }).reason === 'string';
}

function printToggle(ctx: Context, r: ToggleResultDto): void {
  for (const u of r.Upstreams) {
    const changed = r.ToggledUpstreams.includes(u.UpstreamName);
    ctx.out(changed ? `${u.UpstreamName}: traffic now goes to ${u.ActiveSlice} (version ${u.Version})` : `${u.UpstreamName}: already sends its traffic to ${u.ActiveSlice}; nothing changed`);
  }
}

function printSlices(ctx: Context, s: ServiceSlicesDto): void {
  if (s.slices.length === 0) ctx.out(`${s.service} has no slice in ${s.environment}: nothing is deployed or registered`);
  else {
    const rows = s.slices.map((x) => [
      x.slice,
      x.registryName,
      x.active === null ? '-' : x.active ? 'yes' : 'no',
      x.versions.length ? x.versions.join(', ') : '-',
      x.health.instances === 0 ? '-' : `${x.health.passing}/${x.health.instances} passing`,
    ]);
    table(['SLICE', 'REGISTRY NAME', 'ACTIVE', 'VERSIONS', 'HEALTH'], rows).forEach(ctx.out);
  }
  const hosts: UpstreamSliceDto[] = s.upstreams ?? [];
  ctx.out('');
  if (hosts.length === 0) return ctx.out(`no upstream of ${s.service} in ${s.environment}: nothing routes traffic to it (see docs/traffic.md)`);
  table(['UPSTREAM', 'HOST', 'SLICE', 'STATE'], hosts.map((h) => [h.UpstreamName, `${h.DnsName}:${h.Port}`, h.Name, h.State])).forEach(ctx.out);
}

interface UpstreamItem {
  Value?: { EnvironmentName?: string; UpstreamName?: string; ServiceName?: string; Hosts?: { DnsName?: string; Port?: number; State?: string }[] };
}

function printUpstreams(ctx: Context, items: readonly unknown[], env: string | undefined): void {
  if (items.length === 0) return ctx.out(env ? `no upstream in ${env}` : 'no upstream is configured');
  const hostList = (u: UpstreamItem, up: boolean) =>
    (u.Value?.Hosts ?? []).filter((h) => (h.State !== 'down') === up).map((h) => `${h.DnsName ?? '?'}:${h.Port ?? '?'}`).join(', ') || '-';
  const rows = (items as UpstreamItem[]).map((u) => [u.Value?.UpstreamName ?? '?', u.Value?.EnvironmentName ?? '?', u.Value?.ServiceName ?? '?', hostList(u, true), hostList(u, false)]);
  table(['UPSTREAM', 'ENVIRONMENT', 'SERVICE', 'ACTIVE (UP)', 'INACTIVE (DOWN)'], rows).forEach(ctx.out);
}
