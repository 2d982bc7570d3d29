import { InvalidArgumentError, type Command } from 'commander';
import { ApiError, type AsgDetailDto, type AsgDto, type AsgReadinessDto, type InstanceDto } from '@envmgr/api-contract';
import { registerAsgScheduleCommand } from './asg-schedule-commands.js';
import { collect } from './collect.js';
import type { Context } from './context.js';
import { CheckFailedError, UsageError } from './failure.js';
import { shortTime, table, toJson } from './output.js';

interface JsonOption {
  json?: boolean;
}

/** A size: a whole number from 0 to 10000, as the server accepts. */
export function parseCount(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 10_000) throw new InvalidArgumentError('expected a whole number from 0 to 10000');
  return Number(value);
}

/** A 404 names what to list to find the right name; other failures go to the usual report. */
async function naming<T>(what: string, list: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ApiError && err.status === 404 && err.code === 'not-found') throw new CheckFailedError(`${err.message}; see the ${what} with \`${list}\``);
    throw err;
  }
}

/** `envmgr asgs`, `envmgr asg <name>`, `envmgr asg size`: groups of instances (SPEC §11). */
export function registerAsgCommands(program: Command, ctx: Context): void {
  program
    .command('asgs')
    .description('list the groups of instances (ASGs) with their size and members by lifecycle state')
    .option('--env <environment>', "only this environment's groups")
    .option('--json', 'print the groups as a JSON array')
    .action(async (opts: JsonOption & { env?: string }, cmd: Command) => {
      const groups = await (await ctx.client(cmd)).listAsgs({ environment: opts.env });
      if (opts.json) return ctx.write(toJson(groups));
      if (groups.length === 0) return ctx.out(`no groups${opts.env !== undefined ? ` in environment ${opts.env}` : ''}; a deployment creates them from the server role`);
      table(['NAME', 'ENVIRONMENT', 'ROLE', 'MIN', 'DESIRED', 'MAX', 'IN SERVICE', 'PENDING', 'STANDBY', 'SUSPENDED'], groups.map(asgRow)).forEach(ctx.out);
    });

  const asg = program
    .command('asg')
    .description('show one group with its members and whether it is ready; `asg size` changes its size')
    .argument('<name>', 'the group, e.g. dev1-IN-Web')
    .option('--json', 'print the group as JSON')
    .action(async (name: string, opts: JsonOption, cmd: Command) => {
      const client = await ctx.client(cmd);
      const group = await naming('groups', 'envmgr asgs', () => client.getAsg(name));
      if (opts.json) return ctx.write(toJson(group));
      describeAsg(group, await client.asgReadiness(name)).forEach(ctx.out);
    });

  registerAsgScheduleCommand(asg, ctx);

  asg
    .command('size')
    .description('change the size of a group; it then launches or terminates instances by itself')
    .argument('<name>', 'the group')
    .option('--desired <n>', 'the number of instances to keep in service', parseCount)
    .option('--min <n>', 'the least number of instances', parseCount)
    .option('--max <n>', 'the most instances', parseCount)
    .option('--json', "print the server's answer as JSON")
    .addHelpText('after', '\nExample:\n  envmgr asg size dev1-IN-Web --desired 3 --max 4\n')
    .action(async (name: string, opts: { desired?: number; min?: number; max?: number }, cmd: Command) => {
      const { desired, min, max } = opts;
      if (desired === undefined && min === undefined && max === undefined) throw new UsageError('give --desired, --min or --max', 'e.g. envmgr asg size dev1-IN-Web --desired 2');
      const size = { ...(min !== undefined ? { min } : {}), ...(desired !== undefined ? { desired } : {}), ...(max !== undefined ? { max } : {}) };
      const group = await naming('groups', 'envmgr asgs', async () => (await ctx.client(cmd)).resizeAsg(name, size));
      // `asg` has its own --json, which Commander gives to it wherever the flag stands
      if (cmd.optsWithGlobals<JsonOption>().json) return ctx.write(toJson(group));
      ctx.out(`${group.name}: min ${group.size.min}, desired ${group.size.desired}, max ${group.size.max}`);
      ctx.note(`the group now launches or terminates instances by itself; follow it with \`envmgr asg ${group.name}\``);
    });
}

function asgRow(g: AsgDto): string[] {
  const c = g.instanceCounts;
  return [g.name, g.environment ?? '', g.role ?? '', ...[g.size.min, g.size.desired, g.size.max, c.InService, c.Pending, c.Standby].map(String), g.suspendedProcesses.join(',')];
}

function describeAsg(g: AsgDetailDto, r: AsgReadinessDto): string[] {
  const lines = [
    `${g.name}  environment ${g.environment ?? '-'}  role ${g.role ?? '-'}  cluster ${g.owningCluster ?? '-'}`,
    `size: min ${g.size.min}, desired ${g.size.desired}, max ${g.size.max}`,
    `ready: ${r.ready ? 'yes' : `no (${r.reasons.join('; ')})`}`,
  ];
  if (g.suspendedProcesses.length > 0) lines.push(`suspended: ${g.suspendedProcesses.join(', ')}`);
  if (g.instances.length === 0) return [...lines, 'no instances'];
  const rows = g.instances.map((i) => [i.id, i.name, i.state, i.lifecycleState ?? '', i.health ?? '', i.privateAddress ?? '', i.maintenance ? 'yes' : '', shortTime(i.launchTime)]);
  return [...lines, '', ...table(['ID', 'NAME', 'STATE', 'LIFECYCLE', 'HEALTH', 'ADDRESS', 'MAINTENANCE', 'LAUNCHED'], rows)];
}

/** `envmgr instances`, `envmgr instance <id>`, `envmgr instance maintenance <id> on|off`. */
export function registerInstanceCommands(program: Command, ctx: Context): void {
  program
    .command('instances')
    .description('list the instances that are not terminated, in launch order')
    .option('--env <environment>', "only this environment's instances")
    .option('--cluster <cluster>', "only this cluster's instances (OwningCluster tag)")
    .option('--maintenance', 'only instances in maintenance')
    .option('--json', 'print the instances as a JSON array')
    .action(async (opts: JsonOption & { env?: string; cluster?: string; maintenance?: boolean }, cmd: Command) => {
      const client = await ctx.client(cmd);
      const query = { environment: opts.env, cluster: opts.cluster, maintenance: opts.maintenance ? true : undefined };
      const instances = await collect(client.listAllInstances(query));
      if (opts.json) return ctx.write(toJson(instances));
      if (instances.length === 0) return ctx.out('no instances match');
      table(['ID', 'NAME', 'ENVIRONMENT', 'ASG', 'STATE', 'LIFECYCLE', 'ADDRESS', 'MAINTENANCE'], instances.map(instanceRow)).forEach(ctx.out);
    });

  const instance = program
    .command('instance')
    .description('show one instance; `instance maintenance` puts it in maintenance or takes it out')
    .argument('<id>', 'the instance id, e.g. i-0e000000000000001')
    .option('--json', 'print the instance as JSON')
    .action(async (id: string, opts: JsonOption, cmd: Command) => {
      const found = await naming('instances', 'envmgr instances', async () => (await ctx.client(cmd)).getInstance(id));
      if (opts.json) return ctx.write(toJson(found));
      describeInstance(found).forEach(ctx.out);
    });

  instance
    .command('maintenance')
    .description('put an instance in maintenance (discovery leaves it out, schedules leave it alone) or take it out')
    .argument('<id>', 'the instance id')
    .argument('<on|off>', 'on to put it in maintenance, off to take it out')
    .option('--json', "print the server's answer as JSON")
    .action(async (id: string, mode: string, _opts: JsonOption, cmd: Command) => {
      const enable = { on: true, off: false }[mode.toLowerCase()];
      if (enable === undefined) throw new UsageError(`expected on or off, got '${mode}'`, `e.g. envmgr instance maintenance ${id} on`);
      const updated = await naming('instances', 'envmgr instances', async () => (await ctx.client(cmd)).setInstanceMaintenance(id, enable));
      if (cmd.optsWithGlobals<JsonOption>().json) return ctx.write(toJson(updated));
      ctx.out(`${updated.id} (${updated.name}) is ${updated.maintenance ? 'in maintenance: discovery leaves it out' : 'out of maintenance'}`);
    });
}

function instanceRow(i: InstanceDto): string[] {
  return [i.id, i.name, i.environment ?? '', i.asg ?? '', i.state, i.lifecycleState ?? '', i.privateAddress ?? '', i.maintenance ? 'yes' : ''];
}

function describeInstance(i: InstanceDto): string[] {
  const fields: [string, string | undefined][] = [
    ['id', i.id],
    ['name', i.name],
    ['state', i.state],
    ['asg', i.asg],
    ['lifecycle', i.lifecycleState],
    ['health', i.health],
    ['address', i.privateAddress],
    ['environment', i.environment],
    ['cluster', i.owningCluster],
    ['role', i.role],
    ['maintenance', i.maintenance ? 'yes' : 'no'],
    ['launched', shortTime(i.launchTime)],
  ];
  const tags = Object.entries(i.tags).map(([k, v]) => `  ${k}=${v}`);
  return [...fields.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v ?? ''}`), 'tags:', ...tags];
}
