import { InvalidArgumentError, type Command } from 'commander';
import { OPS_REASON_MAX, type DeployLock, type EnvironmentOpsStatus, type Maintenance } from '@envmgr/api-contract';
import type { Context } from './context.js';
import { onItem, UsageError } from './failure.js';
import { shortTime, table, toJson } from './output.js';

interface ReasonOptions {
  reason?: string;
  json?: boolean;
}

/** `envmgr lock|unlock|maintenance|env-status`: an environment's deploy lock and maintenance mode (SPEC §3.3). */
export function registerEnvironmentCommands(program: Command, ctx: Context): void {
  program
    .command('lock')
    .description('lock deployments to an environment until it is unlocked (locking it again keeps who locked it)')
    .argument('<env>', 'the environment')
    .option('--reason <text>', `why (at most ${OPS_REASON_MAX} characters); shown to whoever is refused`)
    .option('--json', "print the server's answer as JSON")
    .action(async (env: string, opts: ReasonOptions, cmd: Command) => {
      const reason = checkedReason(opts.reason);
      const client = await ctx.client(cmd);
      const lock = await onItem({ type: 'environments', key: env }, () => client.lockDeployments(env, reason));
      if (opts.json) return ctx.write(toJson(lock));
      ctx.out(describeLock(lock));
    });

  program
    .command('unlock')
    .description('unlock deployments to an environment (nothing changes when it is not locked)')
    .argument('<env>', 'the environment')
    .option('--json', "print the server's answer as JSON")
    .action(async (env: string, opts: { json?: boolean }, cmd: Command) => {
      const client = await ctx.client(cmd);
      const lock = await onItem({ type: 'environments', key: env }, () => client.unlockDeployments(env));
      if (opts.json) return ctx.write(toJson(lock));
      ctx.out(describeLock(lock));
    });

  program
    .command('maintenance')
    .description('put an environment in maintenance (the scheduler leaves it alone), or take it out')
    .argument('<env>', 'the environment')
    .argument('<on|off>', 'on: put it in maintenance; off: take it out', parseOnOff)
    .option('--reason <text>', `why (at most ${OPS_REASON_MAX} characters; only with on)`)
    .option('--json', "print the server's answer as JSON")
    .action(async (env: string, on: boolean, opts: ReasonOptions, cmd: Command) => {
      const reason = checkedReason(opts.reason);
      if (!on && reason !== undefined) throw new UsageError('--reason goes with `on` only: taking an environment out of maintenance keeps no reason');
      const client = await ctx.client(cmd);
      const maintenance = await onItem({ type: 'environments', key: env }, () => client.setMaintenance(env, on, reason));
      if (opts.json) return ctx.write(toJson(maintenance));
      ctx.out(describeMaintenance(maintenance));
    });

  program
    .command('env-status')
    .description("an environment's deploy lock, maintenance mode and schedule flags")
    .argument('<env>', 'the environment')
    .option('--json', "print the server's answer as JSON")
    .action(async (env: string, opts: { json?: boolean }, cmd: Command) => {
      const client = await ctx.client(cmd);
      const status = await onItem({ type: 'environments', key: env }, () => client.environmentOps(env));
      if (opts.json) return ctx.write(toJson(status));
      statusLines(status).forEach(ctx.out);
    });
}

function parseOnOff(value: string): boolean {
  const v = value.toLowerCase();
  if (v === 'on' || v === 'off') return v === 'on';
  throw new InvalidArgumentError("expected 'on' or 'off'");
}

function checkedReason(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  const trimmed = reason.trim();
  if (trimmed.length > OPS_REASON_MAX) throw new UsageError(`--reason is ${trimmed.length} characters long; keep it to ${OPS_REASON_MAX}`);
  return trimmed === '' ? undefined : trimmed;
}

/** `since 2024-05-01 12:00:00Z` and `: why`, for whatever of them is known. */
function setBy(by: string | undefined, at: string | undefined, reason: string | undefined): string {
  return `${by ? ` by ${by}` : ''}${at ? ` since ${shortTime(at)}` : ''}${reason ? `: ${reason}` : ''}`;
}

function describeLock(lock: DeployLock): string {
  if (!lock.locked) return `deployments to ${lock.environment} are unlocked`;
  return `deployments to ${lock.environment} are locked${setBy(lock.lockedBy, lock.lockedAt, lock.reason)}`;
}

function describeMaintenance(m: Maintenance): string {
  if (!m.inMaintenance) return `${m.environment} is not in maintenance`;
  return `${m.environment} is in maintenance${setBy(m.setBy, m.setAt, m.reason)}`;
}

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

function statusLines(s: EnvironmentOpsStatus): string[] {
  const lock = s.deployLock;
  const m = s.maintenance;
  const rows = [
    ['deployments', lock.locked ? `locked${setBy(lock.lockedBy, lock.lockedAt, lock.reason)}` : 'unlocked'],
    ['maintenance', m.inMaintenance ? `on${setBy(m.setBy, m.setAt, m.reason)}` : 'off'],
    ['manual schedule up', yesNo(s.schedule.manualScheduleUp)],
    ['schedule automatically', yesNo(s.schedule.scheduleAutomatically)],
    ['default schedule', s.schedule.defaultSchedule ?? '(none)'],
  ];
  return table(['ENVIRONMENT', s.environment], rows);
}
