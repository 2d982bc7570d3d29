import { InvalidArgumentError, type Command } from 'commander';
import { OPS_REASON_MAX, type ScheduleEvaluateRequest, type ScheduleSettingsRequest } from '@envmgr/api-contract';
import { parseTime } from './args.js';
import type { Context } from './context.js';
import { CheckFailedError, onItem, UsageError } from './failure.js';
import { toJson } from './output.js';
import { actionRows, evaluationLines, lintLines, overrideLine, savingsLines, settingsLines, statusLines } from './schedule-output.js';

const env = (key: string) => ({ type: 'environments' as const, key });
const JSON_HELP = "print the server's answer as JSON";

function parseOnOff(value: string): boolean {
  const v = value.toLowerCase();
  if (v === 'on' || v === 'off') return v === 'on';
  throw new InvalidArgumentError("expected 'on' or 'off'");
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A time ahead: an ISO date-time, `HH:MM` (today, this machine's time zone) or `+2h` (`m`, `h`, `d`, `w`). */
export function parseUntil(value: string, now: Date): string {
  const v = value.trim();
  const rel = /^\+(\d+)([mhdw])$/.exec(v);
  if (rel?.[1] && rel[2]) return new Date(now.getTime() + Number(rel[1]) * (UNIT_MS[rel[2]] ?? 0)).toISOString();
  const clock = /^(\d{1,2}):(\d{2})$/.exec(v);
  if (clock?.[1] && clock[2] && Number(clock[1]) < 24 && Number(clock[2]) < 60) {
    const at = new Date(now.getTime());
    at.setHours(Number(clock[1]), Number(clock[2]), 0, 0);
    return at.toISOString();
  }
  const ms = Date.parse(v);
  if (/^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(ms)) return new Date(ms).toISOString();
  throw new UsageError(`--until '${value}' is not a time: give an ISO date-time (2024-05-01T22:00:00Z), HH:MM (today, local time) or a duration ahead (+30m, +2h, +1d)`);
}

/** `envmgr schedule …` (SPEC §8) and `envmgr savings`. */
export function registerScheduleCommands(program: Command, ctx: Context): void {
  const schedule = program.command('schedule').description('schedules (SPEC §8): settings, status, explain, lint, overrides, what the scheduler would do');
  registerSettingsCommands(schedule, ctx);
  registerWhatIfCommands(schedule, ctx);

  schedule
    .command('override')
    .description('keep an environment on (or off) until a time, above every schedule but NOSCHEDULE; it ends by itself')
    .argument('<env>', 'the environment')
    .option('--on', 'keep it on')
    .option('--off', 'keep it off')
    .option('--until <time>', 'when it ends: ISO date-time, HH:MM (today, local time) or +2h')
    .option('--reason <text>', `why (at most ${OPS_REASON_MAX} characters)`)
    .option('--cancel', 'end the override now')
    .option('--json', JSON_HELP)
    .action(async (name: string, opts: { on?: boolean; off?: boolean; until?: string; reason?: string; cancel?: boolean; json?: boolean }, cmd: Command) => {
      const states = [opts.on && 'on', opts.off && 'off'].filter((s): s is 'on' | 'off' => typeof s === 'string');
      if (opts.cancel && (states.length || opts.until !== undefined)) throw new UsageError('--cancel goes alone: it ends the override');
      if (!opts.cancel && (states.length !== 1 || opts.until === undefined)) throw new UsageError('give --on or --off, and --until <time>', 'e.g. envmgr schedule override c50 --on --until 22:00');
      const state = states[0] ?? 'on';
      const reason = opts.reason?.trim() || undefined;
      if (reason !== undefined && reason.length > OPS_REASON_MAX) throw new UsageError(`--reason is ${reason.length} characters long; keep it to ${OPS_REASON_MAX}`);
      const until = opts.until === undefined ? '' : parseUntil(opts.until, ctx.now());
      const client = await ctx.client(cmd);
      const answer = await onItem(env(name), () => (opts.cancel ? client.clearScheduleOverride(name) : client.overrideSchedule(name, { state, until, ...(reason ? { reason } : {}) })));
      if (opts.json) return ctx.write(toJson(answer));
      ctx.out(answer.override?.active ? `${name} is kept ${overrideLine(answer.override)}` : `${name} follows its schedule (no override)`);
    });

  program
    .command('savings')
    .description('instance-hours the scheduler saved against always-on, by environment (the last 7 days unless --since)')
    .option('--env <environment>', 'only this environment')
    .option('--cluster <cluster>', "only environments of this owning cluster")
    .option('--since <time>', 'from this ISO time, or this long ago: 24h, 7d, 2w')
    .option('--until <time>', 'to this ISO time, or this long ago (default now)')
    .option('--json', JSON_HELP)
    .action(async (opts: { env?: string; cluster?: string; since?: string; until?: string; json?: boolean }, cmd: Command) => {
      const now = ctx.now();
      const q = {
        environment: opts.env,
        cluster: opts.cluster,
        since: opts.since === undefined ? undefined : parseTime('--since', opts.since, now),
        until: opts.until === undefined ? undefined : parseTime('--until', opts.until, now),
      };
      const answer = await (await ctx.client(cmd)).savings(q);
      if (opts.json) return ctx.write(toJson(answer));
      savingsLines(answer).forEach(ctx.out);
    });
}

function registerSettingsCommands(schedule: Command, ctx: Context): void {
  schedule
    .command('get')
    .description("an environment's schedule settings and override")
    .argument('<env>', 'the environment')
    .option('--json', JSON_HELP)
    .action(async (name: string, opts: { json?: boolean }, cmd: Command) => {
      const answer = await onItem(env(name), async () => (await ctx.client(cmd)).schedule(name));
      if (opts.json) return ctx.write(toJson(answer));
      settingsLines(answer).forEach(ctx.out);
    });

  schedule
    .command('set')
    .description("change an environment's schedule settings (what is not given stays)")
    .argument('<env>', 'the environment')
    .option('--manual-up <on|off>', 'keep the environment on (wins over --automatically)', parseOnOff)
    .option('--automatically <on|off>', 'follow the default schedule', parseOnOff)
    .option('--default-schedule <schedule>', 'the default schedule, e.g. "start: 0 8 * * 1-5; stop: 0 19 * * 1-5 | Europe/London"')
    .option('--no-default-schedule', 'remove the default schedule')
    .option('--json', JSON_HELP)
    .action(async (name: string, opts: { manualUp?: boolean; automatically?: boolean; defaultSchedule?: string | false; json?: boolean }, cmd: Command) => {
      const change: ScheduleSettingsRequest = {
        ...(opts.manualUp !== undefined ? { manualScheduleUp: opts.manualUp } : {}),
        ...(opts.automatically !== undefined ? { scheduleAutomatically: opts.automatically } : {}),
        ...(opts.defaultSchedule === false ? { defaultSchedule: null } : opts.defaultSchedule !== undefined ? { defaultSchedule: opts.defaultSchedule } : {}),
      };
      if (Object.keys(change).length === 0) throw new UsageError('give at least one of --manual-up, --automatically, --default-schedule, --no-default-schedule');
      const answer = await onItem(env(name), async () => (await ctx.client(cmd)).setSchedule(name, change));
      if (opts.json) return ctx.write(toJson(answer));
      settingsLines(answer).forEach(ctx.out);
    });

  schedule
    .command('status')
    .description("what an environment's schedule says now (or --at), and why")
    .argument('<env>', 'the environment')
    .option('--at <time>', 'an ISO time, or this long ago: 30m, 24h')
    .option('--json', JSON_HELP)
    .action(async (name: string, opts: { at?: string; json?: boolean }, cmd: Command) => {
      const at = opts.at === undefined ? undefined : parseTime('--at', opts.at, ctx.now());
      const answer = await onItem(env(name), async () => (await ctx.client(cmd)).scheduleStatus(name, at));
      if (opts.json) return ctx.write(toJson(answer));
      statusLines(answer).forEach(ctx.out);
    });
}

function registerWhatIfCommands(schedule: Command, ctx: Context): void {
  schedule
    .command('explain')
    .description('what the scheduler would do with a schedule tag, before you tag with it (exits 1 when a schedule cannot be read)')
    .option('--tag <schedule>', "the instance's Schedule tag")
    .option('--group-tag <schedule>', "its group's Schedule tag (the instance is then a member, InService unless --lifecycle)")
    .option('--lifecycle <state>', 'its lifecycle state in the group: InService, Standby, Pending, Terminating')
    .option('--state <state>', 'the instance state: running (default), stopped, pending, stopping')
    .option('--env <environment>', "use this environment's settings (default: an environment without settings, which says OFF)")
    .option('--at <time>', 'an ISO time, or this long ago: 30m, 24h (default now)')
    .option('--json', JSON_HELP)
    .action(async (opts: { tag?: string; groupTag?: string; lifecycle?: string; state?: string; env?: string; at?: string; json?: boolean }, cmd: Command) => {
      if (opts.tag === undefined && opts.groupTag === undefined && opts.env === undefined) throw new UsageError('give --tag, --group-tag or --env', "e.g. envmgr schedule explain --tag 'start: 0 8 * * 1-5; stop: 0 19 * * 1-5 | Europe/London'");
      const input = {
        ...(opts.at !== undefined ? { at: parseTime('--at', opts.at, ctx.now()) } : {}),
        instance: { ...(opts.tag !== undefined ? { schedule: opts.tag } : {}), ...(opts.state !== undefined ? { state: opts.state } : {}) },
        ...(opts.groupTag !== undefined || opts.lifecycle !== undefined
          ? { group: { ...(opts.groupTag !== undefined ? { schedule: opts.groupTag } : {}), ...(opts.lifecycle !== undefined ? { lifecycleState: opts.lifecycle } : {}) } }
          : {}),
        ...(opts.env !== undefined ? { environment: { name: opts.env } } : {}),
      } as ScheduleEvaluateRequest; // the server checks the states' names and answers 400 naming the field
      const answer = await (await ctx.client(cmd)).evaluateSchedule(input);
      if (opts.json) ctx.write(toJson(answer));
      else evaluationLines(answer, { 'instance.schedule': opts.tag, 'group.schedule': opts.groupTag }).forEach(ctx.out);
      if (answer.problems.length) throw new CheckFailedError(`${answer.problems.length === 1 ? 'a schedule' : 'schedules'} given cannot be read`);
    });

  schedule
    .command('lint')
    .description("schedules in use (tags, default schedules) that trainline's EM reads differently: fix them before moving (exits 1 when any)")
    .option('--env <environment>', 'only this environment')
    .option('--json', JSON_HELP)
    .action(async (opts: { env?: string; json?: boolean }, cmd: Command) => {
      const findings = await (await ctx.client(cmd)).lintSchedules({ environment: opts.env });
      if (opts.json) ctx.write(toJson(findings));
      else lintLines(findings).forEach(ctx.out);
      if (findings.length) throw new CheckFailedError(`${findings.length} schedule${findings.length === 1 ? '' : 's'} in use ${findings.length === 1 ? 'is' : 'are'} read differently by trainline's EM`);
    });

  schedule
    .command('actions')
    .description('what the scheduler would do to every instance now (or --at), as its runner lists it')
    .option('--env <environment>', 'only this environment')
    .option('--at <time>', 'an ISO time, or this long ago: 30m, 24h')
    .option('--all', 'also the instances it would leave alone')
    .option('--json', JSON_HELP)
    .action(async (opts: { env?: string; at?: string; all?: boolean; json?: boolean }, cmd: Command) => {
      const at = opts.at === undefined ? undefined : parseTime('--at', opts.at, ctx.now());
      const answer = await (await ctx.client(cmd)).scheduleActions({ environment: opts.env, at });
      if (opts.json) return ctx.write(toJson(answer));
      const shown = opts.all ? answer : answer.filter((a) => a.action.action !== 'skip');
      if (shown.length === 0) return ctx.out(opts.all ? 'no instances' : 'nothing to do (use --all to see every instance)');
      actionRows(shown).forEach(ctx.out);
    });
}
