/**
 * The stages of an install and what each hook gets (SPEC §6 "Stages", "Hooks"). Pure: the agent walks the plan and
 * carries each stage out through its ports.
 */
import type { AppSpec, HookScript, LifecycleHook } from '../appspec/appspec.js';
import { DEFAULT_INSTALLATION_TIMEOUT_MIN } from '../target-state/service-metadata.js';
import type { Slice } from '../target-state/target-state.js';

/** Every stage of an install, in order; the node status' `LastCompletedStage` is one of these. */
export const DEPLOYMENT_STAGES = [
  'CheckDiskSpace',
  'ValidateDeployment',
  'DownloadPackage',
  'UnpackPackage',
  'ValidateBundle',
  'StopPreviousVersion',
  'BeforeInstall',
  'CopyFiles',
  'ApplyPermissions',
  'AfterInstall',
  'ApplicationStart',
  'ValidateService',
  'RegisterService',
  'RegisterHealthChecks',
  'DeleteOldDeployments',
] as const;
export type DeploymentStage = (typeof DEPLOYMENT_STAGES)[number];

/** The stage a successful install ends with. */
export const COMPLETE_STAGE = 'Complete';

/** One step after the package is unpacked and validated. */
export type InstallStep =
  | { stage: 'StopPreviousVersion'; hook?: HookScript; stopsSupervised: boolean }
  | { stage: 'BeforeInstall' | 'AfterInstall' | 'ValidateService'; hook?: HookScript }
  | { stage: 'ApplicationStart'; hook?: HookScript; startsSupervised: boolean }
  | { stage: 'CopyFiles' | 'ApplyPermissions' | 'RegisterService' | 'RegisterHealthChecks' | 'DeleteOldDeployments' };

/**
 * The steps that install `next` over `previous` (undefined for a first install): the previous version's
 * ApplicationStop (and its supervised process), BeforeInstall, CopyFiles, ApplyPermissions, AfterInstall,
 * ApplicationStart (then the supervised process), ValidateService, then registration and clean-up. A hook the
 * package does not have is a step without a script, which succeeds at once.
 */
export function planInstall(next: AppSpec, previous: AppSpec | undefined): InstallStep[] {
  const steps: InstallStep[] = [];
  if (previous) {
    steps.push(withHook({ stage: 'StopPreviousVersion', stopsSupervised: previous.service !== undefined }, previous.hooks.ApplicationStop));
  }
  steps.push(withHook({ stage: 'BeforeInstall' }, next.hooks.BeforeInstall));
  steps.push({ stage: 'CopyFiles' }, { stage: 'ApplyPermissions' });
  steps.push(withHook({ stage: 'AfterInstall' }, next.hooks.AfterInstall));
  steps.push(withHook({ stage: 'ApplicationStart', startsSupervised: next.service !== undefined }, next.hooks.ApplicationStart));
  steps.push(withHook({ stage: 'ValidateService' }, next.hooks.ValidateService));
  steps.push({ stage: 'RegisterService' }, { stage: 'RegisterHealthChecks' }, { stage: 'DeleteOldDeployments' });
  return steps;
}

function withHook<T extends object>(step: T, hook: HookScript | undefined): T & { hook?: HookScript } {
  return hook ? { ...step, hook } : step;
}

/** The lifecycle event a stage runs, if it runs one. */
export function lifecycleEventOf(stage: InstallStep['stage']): LifecycleHook | undefined {
  switch (stage) {
    case 'StopPreviousVersion':
      return 'ApplicationStop';
    case 'BeforeInstall':
    case 'AfterInstall':
    case 'ApplicationStart':
    case 'ValidateService':
      return stage;
    default:
      return undefined;
  }
}

/** A deployment as its hooks see it. */
export interface HookContext {
  /** `<env>-<svc>[-<slice>]`. */
  serviceId: string;
  /** The unpacked archive of this deployment. */
  archiveDir: string;
  deploymentId: string;
  slice: Slice;
  port: number;
  version: string;
  /** The deployment's W3C trace context, when it came with one. */
  traceparent?: string | undefined;
}

/**
 * The environment variables of a hook (SPEC §6): `APPLICATION_ID` and `EM_SERVICE_NAME` (both the service id),
 * `DEPLOYMENT_BASE_DIR`, `DEPLOYMENT_ID`, `LIFECYCLE_EVENT`, and, except for ApplicationStop, `EM_SERVICE_SLICE`,
 * `EM_SERVICE_PORT` and `EM_SERVICE_VERSION`. ApplicationStop runs for the deployment it stops, so pass that
 * deployment's context. Ours: `TRACEPARENT` (the W3C trace context, as OpenTelemetry's environment carrier names it)
 * when the deployment was requested with one, so that a hook's own spans join the deployment's trace.
 */
export function hookEnvironment(event: LifecycleHook, ctx: HookContext): Record<string, string> {
  const env: Record<string, string> = {
    APPLICATION_ID: ctx.serviceId,
    EM_SERVICE_NAME: ctx.serviceId,
    DEPLOYMENT_BASE_DIR: ctx.archiveDir,
    DEPLOYMENT_ID: ctx.deploymentId,
    LIFECYCLE_EVENT: event,
    ...(ctx.traceparent ? { TRACEPARENT: ctx.traceparent } : {}),
  };
  if (event === 'ApplicationStop') return env;
  return { ...env, EM_SERVICE_SLICE: ctx.slice, EM_SERVICE_PORT: String(ctx.port), EM_SERVICE_VERSION: ctx.version };
}

/** A hook's timeout: its own `timeout` (seconds), else the installation timeout (minutes; 60 when unset). */
export function hookTimeoutMs(hook: HookScript, installationTimeoutMin: number | undefined): number {
  if (hook.timeoutSec !== undefined) return hook.timeoutSec * 1000;
  return (installationTimeoutMin ?? DEFAULT_INSTALLATION_TIMEOUT_MIN) * 60_000;
}
