/** Carries out one step of `planInstall` for an install under way. */
import { chmod } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { DependencyUnavailableError } from '@envmgr/domain';
import { dirname, join } from 'node:path';
import { resolveHealthChecks, serviceTags, type InstallStep, type PermissionEntry } from '@envmgr/agent-core';
import { copyMappedFiles, mapDestination, mappedTargets, pruneFolder } from '../machine/files.js';
import type { InstalledRecord } from '../state/state-store.js';
import type { AgentContext } from './agent-context.js';
import type { DeploymentLog } from './deployment-log.js';
import { newHookContext, type InstallRun } from './prepare-stages.js';
import { registrationOf } from './registration.js';
import { runHook, startSupervised, stopInstalled } from './run-hook.js';
import { InstallStepError, messageOf } from './step-error.js';

export async function performStep(run: InstallRun, step: InstallStep): Promise<void> {
  const { ctx } = run;
  const timeout = run.installation?.installationTimeoutMin;
  switch (step.stage) {
    case 'StopPreviousVersion': {
      const previous = run.previous;
      if (!previous) return;
      run.previousStopped = true;
      await ctx.state.update((s) => void (s.inProgress && (s.inProgress.previousStopped = true)));
      return stopInstalled(ctx, run.log, previous, `ApplicationStop of the previous version ${previous.version}`, run.target.traceparent);
    }
    case 'BeforeInstall':
    case 'AfterInstall':
    case 'ValidateService':
      run.newVersionTouched = true;
      return runHook(ctx, run.log, { event: step.stage, hook: step.hook, context: newHookContext(run), installationTimeoutMin: timeout });
    case 'ApplicationStart':
      run.newVersionTouched = true;
      await runHook(ctx, run.log, { event: 'ApplicationStart', hook: step.hook, context: newHookContext(run), installationTimeoutMin: timeout });
      return startSupervised(ctx, run.log, { ...run, deploymentId: run.target.deploymentId }, newHookContext(run), run.appSpec?.service?.command);
    case 'CopyFiles':
      return copyFiles(run);
    case 'ApplyPermissions':
      return applyPermissions(ctx, run.log, run.appSpec?.permissions ?? []);
    case 'RegisterService':
      return registerService(run);
    case 'RegisterHealthChecks':
      return commitInstall(run);
    case 'DeleteOldDeployments': {
      // the new version is committed by now, so a failure to tidy up is only worth a line in the log
      const keep = [run.target.deploymentId, ...(run.previous ? [run.previous.deploymentId] : [])];
      try {
        const removed = await pruneFolder(dirname(run.deploymentDir), keep);
        if (removed.length > 0) run.log.line(`removed old deployments ${removed.join(', ')}`);
      } catch (err) {
        run.log.line(`warning: old deployments were not removed: ${messageOf(err)}`);
      }
      return;
    }
  }
}

async function copyFiles(run: InstallRun): Promise<void> {
  const { filesRoot } = run.ctx.config;
  const files = run.appSpec?.files ?? [];
  run.copiedFiles = [...new Set((await mappedTargets(run.archiveDir, filesRoot, files)).map((t) => t.to))];
  run.filesCopied = true;
  await run.ctx.state.update((s) => void (s.inProgress && (s.inProgress.filesCopied = true)));
  await copyMappedFiles(run.archiveDir, filesRoot, files);
  for (const f of run.copiedFiles) run.log.line(`copied to ${f}`);
}

/** ApplyPermissions (Linux): mode with chmod, owner and group with chown (which needs the agent to be root). */
export async function applyPermissions(ctx: AgentContext, log: DeploymentLog, entries: readonly PermissionEntry[]): Promise<void> {
  for (const p of entries) {
    const path = mapDestination(ctx.config.filesRoot, p.object);
    try {
      if (p.mode !== undefined) await chmod(path, p.mode);
    } catch (err) {
      throw new InstallStepError(`cannot set mode ${p.mode?.toString(8) ?? ""} on ${p.object}: ${messageOf(err)}`);
    }
    if (p.owner === undefined && p.group === undefined) continue;
    const who = `${p.owner ?? ''}${p.group !== undefined ? `:${p.group}` : ''}`;
    const result = await ctx.runner.run({ command: 'chown', args: ['-R', who, path], cwd: dirname(path), env: ctx.config.hookBaseEnv, timeoutMs: 60_000 });
    if (result.outcome !== 'exited' || result.exitCode !== 0) {
      throw new InstallStepError(`cannot give ${p.object} to ${who}: ${result.error ?? result.lastLines.join(' ')}`, result.firstLines);
    }
    log.line(`permissions of ${p.object}: ${who}${p.mode !== undefined ? ` ${p.mode.toString(8)}` : ''}`);
  }
}

function installedRecord(run: InstallRun): InstalledRecord {
  const { ctx, target } = run;
  if (!run.appSpec || run.port === undefined) throw new InstallStepError('the install has no appspec or port yet');
  const rec: InstalledRecord = {
    serviceId: run.serviceId,
    service: target.service,
    version: target.version,
    slice: target.slice,
    deploymentId: target.deploymentId,
    port: run.port,
    deploymentDir: run.deploymentDir,
    archiveDir: run.archiveDir,
    appSpec: run.appSpec,
    copiedFiles: run.copiedFiles,
    tags: serviceTags({ identity: ctx.config.identity, definitionTags: run.definition?.tags ?? [], deploymentId: target.deploymentId, slice: target.slice, version: target.version }),
    healthChecks: resolveHealthChecks(run.healthChecks ?? [], { serviceId: run.serviceId, port: run.port, slice: target.slice }),
    installedAt: new Date(ctx.clock.now()).toISOString(),
  };
  if (run.installation?.installationTimeoutMin !== undefined) rec.installationTimeoutMin = run.installation.installationTimeoutMin;
  return rec;
}

/** How long RegisterService waits for a registry that cannot be reached (e.g. EM restarting in the embedded mode). */
export const REGISTRY_WAIT_MS = 120_000;

async function registerService(run: InstallRun): Promise<void> {
  const reg = registrationOf(installedRecord(run), run.ctx.config.privateAddress);
  const until = Date.now() + REGISTRY_WAIT_MS;
  for (let delay = 500; ; delay = Math.min(delay * 2, 5000)) {
    try {
      await run.ctx.registry.registerService(reg);
      break;
    } catch (err) {
      // an unreachable registry is a pause, not a verdict on the package: wait for it, within limits
      if (!(err instanceof DependencyUnavailableError) || Date.now() + delay > until) {
        throw new InstallStepError(`the registry refused the registration of ${reg.id}: ${messageOf(err)}`);
      }
      run.log.line(`the registry cannot be reached (${messageOf(err)}); registering ${reg.id} again in ${delay} ms`);
      await sleep(delay);
    }
  }
  run.log.line(`registered ${reg.id} at ${reg.address ?? ''}:${reg.port ?? 0} with tags ${(reg.tags ?? []).join(', ')}`);
}

/** The new version is in: record it, and run its health checks (replacing the previous version's). */
async function commitInstall(run: InstallRun): Promise<void> {
  const rec = installedRecord(run);
  await run.ctx.state.update((s) => {
    s.services[rec.serviceId] = rec;
    delete s.inProgress;
  });
  run.ctx.health.start(rec);
  for (const c of rec.healthChecks) run.log.line(`health check ${c.checkId}: ${c.type} every ${c.intervalMs / 1000} s (TTL ${c.ttlMs / 1000} s)`);
}

export const deploymentsDirOf = (instanceDir: string, serviceId: string): string => join(instanceDir, 'deployments', serviceId);
