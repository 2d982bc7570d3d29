import { InvalidArgumentError, type Command } from 'commander';
import type { ScalingScheduleDto } from '@envmgr/api-contract';
import type { Context } from './context.js';
import { UsageError } from './failure.js';
import { table, toJson } from './output.js';

/** One `--action`: a five-field cron, then `desired=N` and optionally `min=N`, `max=N`. */
interface ActionArg {
  Recurrence: string;
  DesiredCapacity: number;
  MinSize?: number;
  MaxSize?: number;
}

export function parseActionArg(value: string, previous: ActionArg[] = []): ActionArg[] {
  const words = value.trim().split(/\s+/);
  const cron = words.slice(0, 5);
  const sizes = new Map<string, number>();
  for (const w of words.slice(5)) {
    const m = /^(desired|min|max)=(\d+)$/.exec(w);
    if (!m?.[1] || !m[2]) throw new InvalidArgumentError(`'${w}' is not desired=N, min=N or max=N; e.g. "0 8 * * 1-5 desired=4 max=6"`);
    sizes.set(m[1], Number(m[2]));
  }
  const desired = sizes.get('desired');
  if (cron.length < 5 || desired === undefined) throw new InvalidArgumentError('give a five-field cron and desired=N, e.g. "0 8 * * 1-5 desired=4 max=6"');
  const min = sizes.get('min');
  const max = sizes.get('max');
  return [...previous, { Recurrence: cron.join(' '), DesiredCapacity: desired, ...(min !== undefined ? { MinSize: min } : {}), ...(max !== undefined ? { MaxSize: max } : {}) }];
}

function scheduleLines(s: ScalingScheduleDto): string[] {
  const lines = [`${s.name}: Schedule tag ${s.schedule !== undefined && s.schedule !== '' ? `'${s.schedule}'` : '(none)'}`];
  if (s.actions.length === 0) return [...lines, 'no scaling actions'];
  lines.push(...table(['#', 'RECURRENCE', 'ZONE', 'DESIRED', 'MIN', 'MAX'], s.actions.map((a, i) => [String(i + 1), a.Recurrence, a.TimeZone ?? 'UTC', String(a.DesiredCapacity), a.MinSize?.toString() ?? '', a.MaxSize?.toString() ?? ''])));
  if (s.appliedThrough !== undefined) lines.push(`applied through ${s.appliedThrough}; the scheduler job applies later occurrences`);
  if (s.unreadable.length > 0) lines.push(`unreadable action tags (ignored): ${s.unreadable.join(', ')}`);
  return lines;
}

/** `envmgr asg schedule <name>`: a group's Schedule tag or scaling actions (SPEC §8). */
export function registerAsgScheduleCommand(asg: Command, ctx: Context): void {
  asg
    .command('schedule')
    .description("show or set a group's schedule: its Schedule tag (--set) or its scaling actions (--action, applied by the scheduler job)")
    .argument('<name>', 'the group, e.g. dev1-IN-Web')
    .option('--set <schedule>', 'the Schedule tag, e.g. "start: 0 8 * * 1-5; stop: 0 19 * * 1-5 | Europe/London", ON, OFF or NOSCHEDULE')
    .option('--propagate', 'with --set: tag every member with it too')
    .option('--action <spec>', 'a scaling action "<cron> desired=N [min=N] [max=N]"; repeat for more (replaces the current ones)', parseActionArg)
    .option('--tz <zone>', 'with --action: the IANA zone the crons are read in (default UTC)')
    .option('--json', "print the server's answer as JSON")
    .addHelpText('after', '\nExamples:\n  envmgr asg schedule dev1-IN-Web --action "0 8 * * 1-5 desired=4" --action "0 19 * * 1-5 desired=1 min=0" --tz Europe/London\n  envmgr asg schedule dev1-IN-Web --set OFF --propagate\n')
    .action(async (name: string, opts: { set?: string; propagate?: boolean; action?: ActionArg[]; tz?: string }, cmd: Command) => {
      if (opts.set !== undefined && opts.action) throw new UsageError('give --set or --action, not both');
      if (opts.propagate && opts.set === undefined) throw new UsageError('--propagate goes with --set');
      if (opts.tz !== undefined && !opts.action) throw new UsageError('--tz goes with --action');
      const client = await ctx.client(cmd);
      const answer =
        opts.set !== undefined
          ? await client.setScalingSchedule(name, { schedule: opts.set, ...(opts.propagate ? { propagateToInstances: true } : {}) })
          : opts.action
            ? await client.setScalingSchedule(name, { schedule: opts.action.map((a) => ({ ...a, ...(opts.tz !== undefined ? { TimeZone: opts.tz } : {}) })) })
            : await client.scalingSchedule(name);
      if (cmd.optsWithGlobals<{ json?: boolean }>().json) return ctx.write(toJson(answer));
      scheduleLines(answer).forEach(ctx.out);
    });
}
