import type { Command } from 'commander';
import type { EnvironmentComparisonDto, EnvironmentServersDto, EnvironmentServicesDto, ServerGroupDto, ServiceHealthDto, TargetStateDto } from '@envmgr/api-contract';
import type { Context } from './context.js';
import { table, toJson } from './output.js';

/** `envmgr services|target-state|servers|compare`: what runs where, and what the target state asks for (SPEC §11). */
export function registerServiceStateCommands(program: Command, ctx: Context): void {
  program
    .command('services')
    .description("an environment's services: target versions, versions running, instances, health")
    .requiredOption('--env <environment>', 'the environment')
    .option('--json', 'print the server’s answer as JSON')
    .action(async (opts: { env: string; json?: boolean }, cmd: Command) => {
      const answer = await (await ctx.client(cmd)).environmentServices(opts.env);
      if (opts.json) return ctx.write(toJson(answer));
      printServices(ctx, answer);
    });

  program
    .command('health')
    .description('where a service runs in an environment: each instance with its address, port, version and health')
    .argument('<service>', 'the service')
    .requiredOption('--env <environment>', 'the environment')
    .option('--slice <slice>', 'only this slice: none, blue or green')
    .option('--json', 'print the server’s answer as JSON')
    .action(async (service: string, opts: { env: string; slice?: 'none' | 'blue' | 'green'; json?: boolean }, cmd: Command) => {
      const answer = await (await ctx.client(cmd)).serviceHealth(service, { environment: opts.env, slice: opts.slice });
      if (opts.json) return ctx.write(toJson(answer));
      printHealth(ctx, answer);
    });

  program
    .command('target-state')
    .description("an environment's target state: what each server role's agents are asked to run")
    .argument('<environment>', 'the environment')
    .option('--server-role <role>', 'only this server role (and its -blue/-green fleets)')
    .option('--json', 'print the server’s answer as JSON')
    .action(async (environment: string, opts: { serverRole?: string; json?: boolean }, cmd: Command) => {
      const answer = await (await ctx.client(cmd)).targetState(environment, { serverRole: opts.serverRole });
      if (opts.json) return ctx.write(toJson(answer));
      printTargetState(ctx, answer);
    });

  program
    .command('servers')
    .description("an environment's groups and instances, the services each runs, and whether it is converged")
    .argument('<environment>', 'the environment')
    .option('--group <name>', 'only this group')
    .option('--json', 'print the server’s answer as JSON')
    .action(async (environment: string, opts: { group?: string; json?: boolean }, cmd: Command) => {
      const client = await ctx.client(cmd);
      const answer: EnvironmentServersDto | ServerGroupDto = opts.group === undefined ? await client.environmentServers(environment) : await client.environmentServerGroup(environment, opts.group);
      if (opts.json) return ctx.write(toJson(answer));
      printServers(ctx, environment, 'groups' in answer ? answer.groups : [answer]);
    });

  program
    .command('compare')
    .description('compare environments service by service: target and running versions')
    .argument('<env-a>', 'the first environment')
    .argument('<env-b>', 'the second environment')
    .argument('[more...]', 'more environments (10 at most in all)')
    .option('--json', 'print the server’s answer as JSON')
    .action(async (a: string, b: string, more: string[], opts: { json?: boolean }, cmd: Command) => {
      const answer = await (await ctx.client(cmd)).compareEnvironments([a, b, ...more]);
      if (opts.json) return ctx.write(toJson(answer));
      printComparison(ctx, answer);
    });
}

const orDash = (values: readonly string[]) => (values.length > 0 ? values.join(', ') : '-');
const withSlice = (version: string, slice: string) => (slice === 'none' ? version : `${version} (${slice})`);

function printServices(ctx: Context, s: EnvironmentServicesDto): void {
  if (s.services.length === 0) return ctx.out(`nothing is deployed to ${s.environment}: its target state is empty and nothing is registered`);
  const rows = s.services.map((svc) => [
    svc.service,
    orDash(svc.target.map((t) => `${withSlice(t.version, t.slice)}${t.action === 'Install' ? '' : ` ${t.action}`}`)),
    orDash(svc.versions),
    String(svc.health.instances),
    healthCell(svc.health),
  ]);
  table(['SERVICE', 'TARGET', 'RUNNING', 'INSTANCES', 'HEALTH'], rows).forEach(ctx.out);
}

function healthCell(h: EnvironmentServicesDto['services'][number]['health']): string {
  if (h.instances === 0) return '-';
  const others = [h.warning > 0 ? `${h.warning} warning` : '', h.critical > 0 ? `${h.critical} critical` : ''].filter(Boolean);
  return [`${h.passing}/${h.instances} passing`, ...others].join(', ');
}

function printTargetState(ctx: Context, ts: TargetStateDto): void {
  const rows = ts.roles.flatMap((r) =>
    r.services.map((s) => [r.role, s.service, s.slice, s.version, s.deploymentId, s.action, s.instanceIds.length > 0 ? s.instanceIds.join(', ') : 'all']),
  );
  const scope = ts.serverRole !== undefined ? ` for server role ${ts.serverRole}` : '';
  if (rows.length === 0) ctx.out(`the target state of ${ts.environment}${scope} is empty`);
  else table(['ROLE', 'SERVICE', 'SLICE', 'VERSION', 'DEPLOYMENT', 'ACTION', 'INSTANCES'], rows).forEach(ctx.out);
  for (const p of ts.problems) ctx.note(`warning: ${p.key}: ${p.message}`);
}

function printServers(ctx: Context, environment: string, groups: readonly ServerGroupDto[]): void {
  if (groups.length === 0) return ctx.out(`${environment} has no servers: no group is tagged Environment=${environment}`);
  const rows: string[][] = [];
  const differences: string[] = [];
  for (const g of groups) {
    if (g.instances.length === 0) rows.push([g.name, '-', '-', '-', '-', g.converged ? 'yes' : 'no']);
    for (const i of g.instances) {
      const services = i.services.length > 0 ? i.services : [undefined];
      for (const s of services) {
        const what = s ? `${s.service}${s.slice === 'none' ? '' : `-${s.slice}`}@${s.version ?? '?'}` : '-';
        rows.push([g.name, i.id, i.state, what, s ? s.status : '-', i.converged ? 'yes' : 'no']);
      }
      for (const d of i.differences) differences.push(`${i.id}: ${d.message}`);
    }
  }
  table(['GROUP', 'INSTANCE', 'STATE', 'SERVICE@VERSION', 'HEALTH', 'CONVERGED'], rows).forEach(ctx.out);
  if (differences.length > 0) {
    ctx.out('');
    ctx.out('not converged:');
    differences.forEach((d) => ctx.out(`  ${d}`));
  }
}

function printComparison(ctx: Context, c: EnvironmentComparisonDto): void {
  if (c.services.length === 0) return ctx.out(`no service is deployed to ${c.environments.join(' or ')}`);
  const versions = (v: { target: string[]; running: string[] }) => {
    const target = orDash(v.target);
    const same = v.running.length === v.target.length && v.running.every((r, i) => r === v.target[i]);
    return same ? target : `${target} (running ${orDash(v.running)})`;
  };
  const rows = c.services.map((s) => [s.service, ...s.environments.map(versions), s.differs ? 'yes' : 'no']);
  table(['SERVICE', ...c.environments.map((e) => e.toUpperCase()), 'DIFFERS'], rows).forEach(ctx.out);
}

function printHealth(ctx: Context, h: ServiceHealthDto): void {
  if (h.instances.length === 0) return ctx.out(`${h.service} is not registered in ${h.environment}; deploy it: envmgr deploy ${h.service} <version> --env ${h.environment}`);
  const rows = h.instances.map((i) => [i.instanceId, `http://${i.address || '127.0.0.1'}:${i.port}/`, i.version ?? '-', i.slice, i.status]);
  for (const line of table(['INSTANCE', 'URL', 'VERSION', 'SLICE', 'HEALTH'], rows)) ctx.out(line);
}
