/**
 * Clean-up after a failed install (SPEC §6, issue 5): the new version's ApplicationStop runs, its files and folder
 * go, and the previous version gets its files back and is started again. Its registration and health checks were
 * never touched, so it stays registered. Every part is tried even when an earlier one fails.
 */
import { rm } from 'node:fs/promises';
import { copyMappedFiles, removeCopiedFiles } from '../machine/files.js';
import type { InstalledRecord } from '../state/state-store.js';
import type { AgentContext } from './agent-context.js';
import type { DeploymentLog } from './deployment-log.js';
import { applyPermissions } from './perform-step.js';
import { newHookContext, type InstallRun } from './prepare-stages.js';
import { runHook, startInstalled, supervisedRef } from './run-hook.js';
import { messageOf } from './step-error.js';

async function attempt(log: DeploymentLog, what: string, work: () => Promise<void>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (err) {
    log.line(`clean-up: ${what} failed: ${messageOf(err)}`);
    return false;
  }
}

export async function rollBack(run: InstallRun): Promise<void> {
  const { ctx, log } = run;
  const appSpec = run.appSpec;
  if (run.newVersionTouched && appSpec) {
    await attempt(log, 'the ApplicationStop of the failed version', () =>
      runHook(ctx, log, {
        event: 'ApplicationStop',
        hook: appSpec.hooks.ApplicationStop,
        context: newHookContext(run),
        installationTimeoutMin: run.installation?.installationTimeoutMin,
        label: 'clean-up: ApplicationStop of the failed version',
      }),
    );
    if (appSpec.service) {
      await attempt(log, 'stopping the service command', () => ctx.supervisor.stop(supervisedRef({ ...run, deploymentId: run.target.deploymentId })));
    }
  }
  if (run.filesCopied) await attempt(log, 'removing the copied files', () => removeCopiedFiles(ctx.config.filesRoot, run.copiedFiles));
  await attempt(log, 'removing the deployment folder', () => rm(run.deploymentDir, { recursive: true, force: true }));
  if (run.previous) await restorePrevious(ctx, log, run.previous, { filesCopied: run.filesCopied, stopped: run.previousStopped });
}

/** Gives the previous version its files back (when the failed one overwrote them) and starts it (when it was stopped). */
export async function restorePrevious(
  ctx: AgentContext,
  log: DeploymentLog,
  previous: InstalledRecord,
  what: { filesCopied: boolean; stopped: boolean },
): Promise<void> {
  if (what.filesCopied) {
    await attempt(log, `copying back the files of ${previous.version}`, async () => {
      await copyMappedFiles(previous.archiveDir, ctx.config.filesRoot, previous.appSpec.files);
      await applyPermissions(ctx, log, previous.appSpec.permissions);
    });
  }
  if (!what.stopped) return;
  const ok = await attempt(log, `starting the previous version ${previous.version} again`, () =>
    startInstalled(ctx, log, previous, `restart of the previous version ${previous.version}`),
  );
  if (ok) log.line(`the previous version ${previous.version} (deployment ${previous.deploymentId}) runs again`);
}
