/**
 * The agent's life (SPEC §6): reach the registry (backing off up to 60 s), finish what a previous run left, put
 * the installed services back in the registry with their health checks, then block on the role's target state and
 * converge after each change, one action at a time, until the signal ends it. Services keep running when it ends.
 */
import { rm } from 'node:fs/promises';
import {
  coldStandbyKey,
  failedStatus,
  nodeStatusKey,
  parseNodeStatus,
  parseTargetState,
  reconcile,
  rolePrefix,
  successStatus,
  type AgentAction,
} from '@envmgr/agent-core';
import { nextBlockingIndex } from '@envmgr/ports';
import type { AgentContext } from './install/agent-context.js';
import { createDeploymentLog } from './install/deployment-log.js';
import { installService } from './install/installer.js';
import { registrationOf } from './install/registration.js';
import { restorePrevious } from './install/roll-back.js';
import { messageOf } from './install/step-error.js';
import { uninstallService } from './install/uninstaller.js';

/** Waits between failed registry calls: 1 s, doubling, never more than 60 s apart. */
export function createBackoff(maxMs = 60_000, firstMs = 1000) {
  let next = firstMs;
  return {
    async wait(signal: AbortSignal): Promise<void> {
      const ms = next;
      next = Math.min(next * 2, maxMs);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        }
        signal.addEventListener('abort', done, { once: true });
      });
    },
    reset() {
      next = firstMs;
    },
  };
}

async function waitForRegistry(ctx: AgentContext, signal: AbortSignal): Promise<void> {
  const backoff = createBackoff();
  for (;;) {
    try {
      await ctx.registry.kvGet(coldStandbyKey(ctx.config.identity.instanceId));
      return;
    } catch (err) {
      if (signal.aborted) return;
      ctx.logger.warn(`the registry at ${ctx.config.registry.url} is not reachable yet: ${messageOf(err)}`);
      await backoff.wait(signal);
      if (signal.aborted) return;
    }
  }
}

/** An install the agent was killed in: mark it failed and bring the previous version back. */
async function recoverInterruptedInstall(ctx: AgentContext): Promise<void> {
  const open = ctx.state.get().inProgress;
  if (!open) return;
  const log = createDeploymentLog(ctx.clock, ctx.logger, `[${open.serviceId} ${open.deploymentId}]`);
  log.line(`the agent stopped during the install of ${open.service} ${open.version}; cleaning up`);
  const previous = ctx.state.get().services[open.serviceId];
  await rm(open.deploymentDir, { recursive: true, force: true });
  if (previous && previous.deploymentId !== open.deploymentId) {
    await restorePrevious(ctx, log, previous, { filesCopied: open.filesCopied, stopped: open.previousStopped });
  }
  const key = nodeStatusKey(open.deploymentId, ctx.config.identity.instanceId);
  const read = await ctx.registry.kvGet(key);
  const current = parseNodeStatus(read.value?.value);
  if (read.value && current?.Status === 'In Progress') {
    const reason = `${open.service} ${open.version} (${open.serviceId}) failed on ${ctx.config.identity.instanceId}: the agent stopped during the install`;
    const failed = failedStatus(current, { endTime: new Date(ctx.clock.now()).toISOString(), log: '', stage: 'Interrupted', reason });
    const ok = await ctx.registry.kvPut(key, JSON.stringify(failed), { cas: read.value.modifyIndex });
    log.line(ok ? 'marked the deployment failed on this node' : 'the node status changed meanwhile; left as it is');
  }
  await ctx.state.update((s) => void delete s.inProgress);
}

/**
 * Puts the installed services back in the registry (after a restart of the registry or of the agent) and runs
 * their checks. A node status left `In Progress` for an installed deployment (the agent stopped between
 * committing the install and reporting it) is completed as `Success`.
 */
async function restoreServices(ctx: AgentContext): Promise<void> {
  for (const rec of Object.values(ctx.state.get().services)) {
    ctx.logger.info(`${rec.serviceId}: ${rec.service} ${rec.version} (deployment ${rec.deploymentId}) is installed on port ${rec.port}`);
    try {
      await ctx.registry.registerService(registrationOf(rec, ctx.config.privateAddress));
      const key = nodeStatusKey(rec.deploymentId, ctx.config.identity.instanceId);
      const read = await ctx.registry.kvGet(key);
      const status = parseNodeStatus(read.value?.value);
      if (read.value && status?.Status === 'In Progress') {
        const done = successStatus(status, { endTime: new Date(ctx.clock.now()).toISOString(), log: status.Log });
        await ctx.registry.kvPut(key, JSON.stringify(done), { cas: read.value.modifyIndex });
      }
    } catch (err) {
      // the health runner registers the service again when its reports find no check
      ctx.logger.error(`${rec.serviceId}: registering it again failed: ${messageOf(err)}`);
    }
    ctx.health.start(rec);
  }
}

/** Re-registers a service whose checks the registry no longer knows; one at a time per service. */
export function createReRegistration(ctx: AgentContext): (serviceId: string) => void {
  const busy = new Set<string>();
  return (serviceId) => {
    const rec = ctx.state.get().services[serviceId];
    if (!rec || busy.has(serviceId)) return;
    busy.add(serviceId);
    ctx.logger.warn(`${serviceId}: the registry does not know its checks; registering it again`);
    ctx.registry
      .registerService(registrationOf(rec, ctx.config.privateAddress))
      .catch((err: unknown) => ctx.logger.error(`${serviceId}: registering again failed: ${messageOf(err)}`))
      .finally(() => busy.delete(serviceId));
  };
}

async function carryOut(ctx: AgentContext, action: AgentAction): Promise<void> {
  try {
    if (action.kind === 'install') {
      const outcome = await installService(ctx, action);
      ctx.logger.info(`${action.serviceId}: install of ${action.target.service} ${action.target.version} (deployment ${action.target.deploymentId}) ${outcome}`);
    } else {
      await uninstallService(ctx, action);
    }
  } catch (err) {
    ctx.logger.error(`${action.serviceId}: ${action.kind} failed unexpectedly: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}

/** One convergence: parse the role's entries, reconcile with what is installed, act one entry at a time. */
async function converge(ctx: AgentContext, entries: { key: string; value: string }[], signal: AbortSignal, seen: Set<string>): Promise<void> {
  const { identity } = ctx.config;
  const { targets, problems } = parseTargetState(entries, { environment: identity.environment, role: identity.role });
  for (const p of problems) {
    const line = `${p.path}: ${p.message}`;
    if (!seen.has(line)) ctx.logger.warn(`target state: ${line}; entry skipped`);
    seen.add(line);
  }
  const state = ctx.state.get();
  const actions = reconcile(
    { environment: identity.environment, instanceId: identity.instanceId, targets },
    { installed: Object.values(state.services), attemptedDeploymentIds: state.attempted },
  );
  ctx.logger.info(`target state read: ${targets.length} entr${targets.length === 1 ? 'y' : 'ies'}, ${actions.length} action(s)`);
  for (const action of actions) {
    if (signal.aborted) return;
    await carryOut(ctx, action);
  }
}

/** Runs until `signal` aborts; then stops the health checks and returns, leaving the services running. */
export async function runAgent(ctx: AgentContext, signal: AbortSignal): Promise<void> {
  const { identity } = ctx.config;
  ctx.logger.info(`agent for ${identity.instanceId} (environment ${identity.environment}, role ${identity.role}) starting; registry ${ctx.config.registry.url}`);
  await waitForRegistry(ctx, signal);
  if (signal.aborted) return;
  await recoverInterruptedInstall(ctx).catch((err: unknown) => ctx.logger.error(`recovering the interrupted install failed: ${messageOf(err)}`));
  await restoreServices(ctx);
  const prefix = rolePrefix(identity.environment, identity.role);
  const backoff = createBackoff();
  const seenProblems = new Set<string>();
  let index = 0;
  ctx.logger.info(`watching ${prefix}`);
  while (!signal.aborted) {
    let read;
    try {
      read = await ctx.registry.kvList(prefix, { index, waitMs: ctx.config.watchWaitMs, signal });
    } catch (err) {
      if (signal.aborted) break;
      ctx.logger.warn(`reading the target state failed: ${messageOf(err)}; retrying`);
      await backoff.wait(signal);
      continue;
    }
    backoff.reset();
    index = nextBlockingIndex(index, read.index);
    await converge(ctx, read.value, signal, seenProblems);
  }
  ctx.health.stopAll();
  ctx.logger.info('agent stopped; installed services keep running');
}
