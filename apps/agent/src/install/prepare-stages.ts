/** The stages before the hooks: disk space, target metadata and port, download, unpack, appspec validation. */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  APPSPEC_FILE,
  HEALTH_CHECKS_FILE,
  combineHealthChecks,
  packageRefOf,
  parseAppSpec,
  parseHealthChecksFile,
  parseServiceDefinition,
  parseServiceInstallation,
  serviceDefinitionKey,
  serviceInstallationKey,
  type AppSpec,
  type HealthCheckDefinition,
  type HookContext,
  type Problem,
  type ServiceDefinition,
  type ServiceInstallation,
  type ServiceTarget,
} from '@envmgr/agent-core';
import { freeDiskBytes, makeExecutable } from '../machine/files.js';
import { inArchive, unzipSafely } from '../machine/safe-unzip.js';
import type { InstalledRecord } from '../state/state-store.js';
import type { AgentContext } from './agent-context.js';
import type { DeploymentLog } from './deployment-log.js';
import type { NodeStatusWriter } from './node-status-writer.js';
import { choosePort } from './port-allocation.js';
import { InstallStepError, messageOf } from './step-error.js';

/** One install under way: what it has learnt and done so far (the roll-back reads the flags). */
export interface InstallRun {
  ctx: AgentContext;
  target: ServiceTarget;
  serviceId: string;
  previous: InstalledRecord | undefined;
  log: DeploymentLog;
  status: NodeStatusWriter;
  deploymentDir: string;
  archiveDir: string;
  /** The stage running now (the failed one, after a failure). */
  stage: string;
  definition?: ServiceDefinition;
  installation?: ServiceInstallation;
  port?: number;
  archiveFiles: string[];
  appSpec?: AppSpec;
  healthChecks?: HealthCheckDefinition[];
  /** What CopyFiles writes (known before it starts, so that a half copy can be removed). */
  copiedFiles: string[];
  previousStopped: boolean;
  filesCopied: boolean;
  /** The new version's hooks have started to run: its ApplicationStop runs as clean-up on failure. */
  newVersionTouched: boolean;
}

export function newHookContext(run: InstallRun): HookContext {
  return {
    serviceId: run.serviceId, archiveDir: run.archiveDir, deploymentId: run.target.deploymentId, slice: run.target.slice, port: run.port ?? 0, version: run.target.version,
    ...(run.target.traceparent ? { traceparent: run.target.traceparent } : {}),
  };
}

const listProblems = (problems: readonly Problem[]): string => problems.map((p) => `${p.path}: ${p.message}`).join('; ');

async function checkDiskSpace(run: InstallRun): Promise<void> {
  const { instanceDir, minFreeDiskMb } = run.ctx.config;
  await mkdir(instanceDir, { recursive: true });
  const free = await freeDiskBytes(instanceDir);
  if (free < minFreeDiskMb * 1024 * 1024) {
    throw new InstallStepError(`only ${Math.floor(free / 1024 / 1024)} MB of disk are free in ${instanceDir}; an install needs ${minFreeDiskMb} MB`);
  }
}

async function validateDeployment(run: InstallRun): Promise<void> {
  const { ctx, target } = run;
  const env = ctx.config.identity.environment;
  const defKey = serviceDefinitionKey(env, target.service, target.version);
  const instKey = serviceInstallationKey(env, target.service, target.version);
  const [def, inst] = await Promise.all([ctx.registry.kvGet(defKey), ctx.registry.kvGet(instKey)]);
  const definition = parseServiceDefinition(defKey, def.value?.value);
  const installation = parseServiceInstallation(instKey, inst.value?.value);
  for (const p of [...definition.problems, ...installation.problems]) run.log.line(`warning: ${p.path}: ${p.message}; using defaults`);
  run.definition = definition.definition;
  run.installation = installation.installation;
  run.port = await choosePort(ctx, { service: target.service, slice: target.slice, previous: run.previous, definition: run.definition });
  run.log.line(`port ${run.port}; hook timeout without its own: ${run.installation.installationTimeoutMin ?? 60} min`);
  await rm(run.deploymentDir, { recursive: true, force: true });
  await mkdir(run.deploymentDir, { recursive: true });
}

async function downloadPackage(run: InstallRun): Promise<void> {
  const ref = packageRefOf(run.target, run.installation ?? {});
  const result = await run.ctx.fetcher.fetch(ref, join(run.deploymentDir, 'bundle.zip'));
  if (!result.ok) throw new InstallStepError(result.reason);
  run.log.line(`downloaded ${ref.service} ${ref.version}${ref.environment ? ` (${ref.environment})` : ''}: ${result.sizeBytes} bytes, sha256 ${result.sha256} verified`);
}

async function unpackPackage(run: InstallRun): Promise<void> {
  try {
    run.archiveFiles = await unzipSafely(join(run.deploymentDir, 'bundle.zip'), run.archiveDir);
  } catch (err) {
    throw new InstallStepError(messageOf(err));
  }
  run.log.line(`unpacked ${run.archiveFiles.length} files to ${run.archiveDir}`);
}

async function validateBundle(run: InstallRun): Promise<void> {
  const files = new Set(run.archiveFiles);
  if (!files.has(APPSPEC_FILE)) throw new InstallStepError(`the package has no ${APPSPEC_FILE} at its root`);
  const parsed = parseAppSpec(await readFile(join(run.archiveDir, APPSPEC_FILE), 'utf8'), { platform: run.ctx.config.platform, archiveFiles: files });
  if (!parsed.ok) throw new InstallStepError(`${APPSPEC_FILE} is invalid: ${listProblems(parsed.problems)}`);
  for (const w of parsed.warnings) run.log.line(`warning: ${APPSPEC_FILE}: ${w}`);
  const fromFile = files.has(HEALTH_CHECKS_FILE)
    ? parseHealthChecksFile(await readFile(inArchive(run.archiveDir, HEALTH_CHECKS_FILE), 'utf8'))
    : { checks: [], problems: [] };
  const combined = combineHealthChecks(parsed.appSpec.healthChecks, fromFile.checks);
  const problems = [...fromFile.problems, ...combined.problems];
  if (problems.length > 0) throw new InstallStepError(`the health checks are invalid: ${listProblems(problems)}`);
  for (const hook of Object.values(parsed.appSpec.hooks)) await makeExecutable(inArchive(run.archiveDir, hook.location));
  run.appSpec = parsed.appSpec;
  run.healthChecks = combined.checks;
  run.log.line(`appspec: hooks ${Object.keys(parsed.appSpec.hooks).join(', ') || 'none'}; ${combined.checks.length} health check(s)`);
}

/** The stages before the hooks, in order. */
export function prepareStages(run: InstallRun): [string, () => Promise<void>][] {
  return [
    ['CheckDiskSpace', () => checkDiskSpace(run)],
    ['ValidateDeployment', () => validateDeployment(run)],
    ['DownloadPackage', () => downloadPackage(run)],
    ['UnpackPackage', () => unpackPackage(run)],
    ['ValidateBundle', () => validateBundle(run)],
  ];
}
