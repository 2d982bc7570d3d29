import {
  hookEnvironment,
  hookTimeoutMs,
  processFailure,
  type HookContext,
  type HookScript,
  type LifecycleHook,
  type SupervisedProcessRef,
} from '@envmgr/agent-core';
import { inArchive } from '../machine/safe-unzip.js';
import type { InstalledRecord } from '../state/state-store.js';
import type { AgentContext } from './agent-context.js';
import type { DeploymentLog } from './deployment-log.js';
import { InstallStepError } from './step-error.js';

export interface HookRun {
  event: LifecycleHook;
  hook: HookScript | undefined;
  context: HookContext;
  installationTimeoutMin: number | undefined;
  /** Prefix of the failure message, e.g. `ApplicationStop of the previous version 1.0.0`. */
  label?: string;
}

/**
 * Runs one lifecycle hook with its timeout and SPEC §6 environment, logging its output line by line. A package
 * without the hook passes at once. Fails with `InstallStepError` quoting the first lines of output.
 */
export async function runHook(ctx: AgentContext, log: DeploymentLog, run: HookRun): Promise<void> {
  const label = run.label ?? run.event;
  if (!run.hook) {
    log.line(`${label}: the package has no ${run.event} hook`);
    return;
  }
  const timeoutMs = hookTimeoutMs(run.hook, run.installationTimeoutMin);
  log.line(`${label}: running ${run.hook.location} (timeout ${timeoutMs / 1000} s${run.hook.runAs ? `, as ${run.hook.runAs}` : ''})`);
  const result = await ctx.runner.run({
    command: inArchive(run.context.archiveDir, run.hook.location),
    args: [],
    cwd: run.context.archiveDir,
    env: { ...ctx.config.hookBaseEnv, ...hookEnvironment(run.event, run.context) },
    timeoutMs,
    ...(run.hook.runAs ? { runAs: run.hook.runAs } : {}),
    onLine: (line, stream) => log.line(`  ${run.event} ${stream}: ${line}`),
  });
  const failure = processFailure(result, run.hook.location, timeoutMs);
  if (failure) throw new InstallStepError(run.label ? `${run.label}: ${failure}` : failure, result.firstLines);
  log.line(`${label}: ${run.hook.location} succeeded in ${result.durationMs} ms`);
}

/** The hook context of an installed deployment. */
export function hookContextOf(rec: InstalledRecord): HookContext {
  return { serviceId: rec.serviceId, archiveDir: rec.archiveDir, deploymentId: rec.deploymentId, slice: rec.slice, port: rec.port, version: rec.version };
}

export function supervisedRef(rec: { serviceId: string; deploymentId: string; deploymentDir: string }): SupervisedProcessRef {
  return { serviceId: rec.serviceId, deploymentId: rec.deploymentId, stateDir: rec.deploymentDir };
}

/**
 * Starts an installed version again: its ApplicationStart hook, then its supervised process, then its
 * ValidateService hook, so that "running again" is checked rather than assumed.
 */
export async function startInstalled(ctx: AgentContext, log: DeploymentLog, rec: InstalledRecord, label: string): Promise<void> {
  const common = { context: hookContextOf(rec), installationTimeoutMin: rec.installationTimeoutMin };
  await runHook(ctx, log, { event: 'ApplicationStart', hook: rec.appSpec.hooks.ApplicationStart, label: `${label}: ApplicationStart`, ...common });
  await startSupervised(ctx, log, rec, hookContextOf(rec), rec.appSpec.service?.command);
  await runHook(ctx, log, { event: 'ValidateService', hook: rec.appSpec.hooks.ValidateService, label: `${label}: ValidateService`, ...common });
}

/**
 * Stops an installed version: its ApplicationStop hook, then its supervised process. `traceparent` is the trace of the
 * deployment that stops it, which the hook then joins.
 */
export async function stopInstalled(ctx: AgentContext, log: DeploymentLog, rec: InstalledRecord, label: string, traceparent?: string): Promise<void> {
  await runHook(ctx, log, {
    event: 'ApplicationStop',
    hook: rec.appSpec.hooks.ApplicationStop,
    context: { ...hookContextOf(rec), ...(traceparent ? { traceparent } : {}) },
    installationTimeoutMin: rec.installationTimeoutMin,
    label,
  });
  if (rec.appSpec.service) await ctx.supervisor.stop(supervisedRef(rec));
}

/** Starts the package's supervised process (appspec `service.command`), if it has one. */
export async function startSupervised(
  ctx: AgentContext,
  log: DeploymentLog,
  dep: { serviceId: string; deploymentId: string; deploymentDir: string },
  context: HookContext,
  command: string[] | undefined,
): Promise<void> {
  if (!command) return;
  const ref = supervisedRef(dep);
  if (await ctx.supervisor.isRunning(ref)) return;
  const [program = '', ...args] = command;
  // a program named by a path is the package's own; a bare name is looked up on the PATH
  const resolved = program.includes('/') ? inArchive(context.archiveDir, program) : program;
  const started = await ctx.supervisor.start(ref, {
    command: [resolved, ...args],
    cwd: context.archiveDir,
    env: { ...ctx.config.hookBaseEnv, ...hookEnvironment('ApplicationStart', context) },
  });
  if (!started.ok) throw new InstallStepError(`the service command '${command.join(' ')}' did not start: ${started.reason}`);
  log.line(`started the service command '${command.join(' ')}' as pid ${started.pid}`);
}
