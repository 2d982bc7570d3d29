/**
 * Undeploy (EM's fix of SPEC §6: a removed entry or `Action: Uninstall` removes the service): stop its health
 * checks, run its ApplicationStop, deregister it, delete its files and deployment folders.
 */
import { rm } from 'node:fs/promises';
import type { AgentAction } from '@envmgr/agent-core';
import { removeCopiedFiles } from '../machine/files.js';
import type { AgentContext } from './agent-context.js';
import { createDeploymentLog } from './deployment-log.js';
import { deploymentsDirOf } from './perform-step.js';
import { releasePorts } from './port-allocation.js';
import { stopInstalled } from './run-hook.js';
import { messageOf } from './step-error.js';

/**
 * Removes an installed service. A failing ApplicationStop is logged and the removal goes on; a failing
 * deregistration stops it (the service stays recorded, so the next pass tries again).
 */
export async function uninstallService(ctx: AgentContext, action: Extract<AgentAction, { kind: 'uninstall' }>): Promise<void> {
  const rec = ctx.state.get().services[action.serviceId];
  if (!rec) return;
  const log = createDeploymentLog(ctx.clock, ctx.logger, `[${rec.serviceId} uninstall]`);
  const why = action.reason === 'target-removed' ? 'its target state was removed' : 'its target state says Uninstall';
  log.line(`uninstalling ${rec.service} ${rec.version} (deployment ${rec.deploymentId}): ${why}`);
  ctx.health.stop(rec.serviceId);
  try {
    await stopInstalled(ctx, log, rec, 'ApplicationStop');
  } catch (err) {
    log.line(`${messageOf(err)}; removing the service anyway`);
  }
  await ctx.registry.deregisterService(rec.serviceId);
  log.line(`deregistered ${rec.serviceId}`);
  await removeCopiedFiles(ctx.config.filesRoot, rec.copiedFiles);
  await rm(deploymentsDirOf(ctx.config.instanceDir, rec.serviceId), { recursive: true, force: true });
  await ctx.state.update((s) => void delete s.services[rec.serviceId]);
  await releasePorts(ctx, rec.service);
  log.line(`uninstalled ${rec.serviceId}`);
}
