/**
 * One install (or upgrade) of a service on this node, stage by stage (SPEC §6 "Stages"): the node status goes
 * In Progress → Success | Failed by check-and-set, the log is uploaded once, and a failure cleans up the new
 * version and leaves the previous one running and registered.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  deploymentLogKey,
  describeFailure,
  failedStatus,
  nodeStatusKey,
  planInstall,
  successStatus,
  traceIdOf,
  type AgentAction,
  type InstallStep,
} from '@envmgr/agent-core';
import type { AgentContext } from './agent-context.js';
import { createDeploymentLog } from './deployment-log.js';
import { createNodeStatusWriter } from './node-status-writer.js';
import { prepareStages, type InstallRun } from './prepare-stages.js';
import { performStep } from './perform-step.js';
import { releasePorts } from './port-allocation.js';
import { rollBack } from './roll-back.js';
import { InstallStepError, messageOf } from './step-error.js';

export type InstallOutcome = 'succeeded' | 'failed' | 'skipped';

/** Runs one stage: logs it, runs it, records it as the node's last completed stage. */
async function stage(run: InstallRun, name: string, work: () => Promise<void>): Promise<void> {
  run.stage = name;
  run.log.line(`== ${name}`);
  await work();
  await run.status.stage(name);
}

export async function installService(ctx: AgentContext, action: Extract<AgentAction, { kind: 'install' }>): Promise<InstallOutcome> {
  const { target, serviceId } = action;
  const { instanceId } = ctx.config.identity;
  // the trace id on every line of this install, hook output included, so that a trace can be followed to the hook
  const trace = traceIdOf(target.traceparent);
  const log = createDeploymentLog(ctx.clock, ctx.logger, `[${serviceId} ${target.deploymentId}${trace ? ` trace=${trace}` : ''}]`);
  const status = createNodeStatusWriter(ctx.registry, nodeStatusKey(target.deploymentId, instanceId), log);
  const begun = await status.begin(new Date(ctx.clock.now()).toISOString());
  if (begun !== 'started') {
    log.line(begun === 'attempted' ? 'this node already attempted this deployment; a retry needs a new deployment' : 'the node status changed while starting; skipping');
    await ctx.state.update((s) => void s.attempted.push(target.deploymentId));
    return 'skipped';
  }
  const previous = action.replaces ? ctx.state.get().services[serviceId] : undefined;
  const deploymentDir = join(ctx.config.instanceDir, 'deployments', serviceId, target.deploymentId);
  const run: InstallRun = {
    ctx,
    target,
    serviceId,
    previous,
    log,
    status,
    deploymentDir,
    archiveDir: join(deploymentDir, 'archive'),
    stage: 'Start',
    archiveFiles: [],
    copiedFiles: [],
    previousStopped: false,
    filesCopied: false,
    newVersionTouched: false,
  };
  await ctx.state.update((s) => {
    s.attempted.push(target.deploymentId);
    s.inProgress = { serviceId, service: target.service, version: target.version, deploymentId: target.deploymentId, deploymentDir, previousStopped: false, filesCopied: false };
  });
  log.line(`installing ${target.service} ${target.version} (${target.slice}) as ${serviceId}${previous ? ` over ${previous.version} (deployment ${previous.deploymentId})` : ''}`);
  if (target.traceparent) log.line(`trace context ${target.traceparent} (given to hooks as TRACEPARENT)`);
  try {
    for (const [name, work] of prepareStages(run)) await stage(run, name, work);
    if (!run.appSpec) throw new InstallStepError('the appspec was not read');
    const steps: InstallStep[] = planInstall(run.appSpec, previous?.appSpec);
    for (const step of steps) await stage(run, step.stage, () => performStep(run, step));
    return await finishSucceeded(run);
  } catch (err) {
    return await finishFailed(run, err);
  }
}

async function uploadLog(run: InstallRun): Promise<string> {
  const { ctx } = run;
  const key = deploymentLogKey({ environment: ctx.config.identity.environment, serviceId: run.serviceId, instanceId: ctx.config.identity.instanceId, deploymentId: run.target.deploymentId });
  const uploaded = await ctx.logs.upload(key, run.log.text());
  if (uploaded.ok) return uploaded.url;
  ctx.logger.warn(`[${run.serviceId} ${run.target.deploymentId}] the deployment log was not uploaded: ${uploaded.reason}`);
  return '';
}

async function finishSucceeded(run: InstallRun): Promise<InstallOutcome> {
  run.log.line(`installed ${run.target.service} ${run.target.version} as ${run.serviceId} on port ${run.port ?? '?'}`);
  const logUrl = await uploadLog(run);
  const endTime = new Date(run.ctx.clock.now()).toISOString();
  await run.status.finish((s) => successStatus(s, { endTime, log: logUrl }));
  return 'succeeded';
}

async function finishFailed(run: InstallRun, err: unknown): Promise<InstallOutcome> {
  const { ctx, target } = run;
  const reason = describeFailure({
    service: target.service,
    version: target.version,
    serviceId: run.serviceId,
    instanceId: ctx.config.identity.instanceId,
    stage: run.stage,
    message: messageOf(err),
    outputLines: err instanceof InstallStepError ? err.outputLines : [],
  });
  run.log.line(`FAILED: ${reason}`);
  if (!(err instanceof InstallStepError) && err instanceof Error && err.stack) run.log.line(err.stack);
  await rollBack(run);
  await ctx.state.update((s) => void delete s.inProgress).catch((e: unknown) => run.log.line(`could not save the agent state: ${messageOf(e)}`));
  // a first install that failed gives its ports back
  if (!run.previous) await releasePorts(ctx, target.service).catch(() => undefined);
  const logUrl = await uploadLog(run);
  const endTime = new Date(ctx.clock.now()).toISOString();
  await run.status.finish((s) => failedStatus(s, { endTime, log: logUrl, stage: run.stage, reason }));
  return 'failed';
}

/** Removes a deployment folder, ignoring a folder that is already gone. */
export const removeDeploymentDir = (dir: string): Promise<void> => rm(dir, { recursive: true, force: true });
