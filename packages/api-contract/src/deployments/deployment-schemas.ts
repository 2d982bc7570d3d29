import { z } from 'zod';
import { environmentName, serviceName } from '../config/entities/fields.js';
import { PageQuerySchema } from '../common/paging.js';
import { packageVersion } from '../packages/package-schemas.js';

export const DEPLOYMENT_STATES = ['requested', 'provisioning', 'deploying', 'canary', 'succeeded', 'failed', 'cancelled'] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATES)[number];
/** The states a deployment can end in; the others are "in progress". */
export const FINAL_DEPLOYMENT_STATES: readonly DeploymentStatus[] = ['succeeded', 'failed', 'cancelled'];

/** `POST /api/v1/deployments` (SPEC §5): EM's fields, with `server_role` accepted for `serverRole`. */
/** Ours: a weighted canary of a blue/green deployment (docs/traffic.md "Weighted canaries"). */
export const CanaryRequestSchema = z
  .strictObject({
    steps: z.array(z.number().int().min(1).max(99)).min(1).max(10).optional().meta({ description: 'ascending percentages of traffic for the new slice; 100% follows the last. Default [5, 25]', example: [5, 25] }),
    stepSeconds: z.number().int().min(1).max(3600).optional().meta({ description: 'how long each step lasts. Default 60' }),
    maxErrorRate: z.number().min(0).max(1).optional().meta({ description: 'the highest share of failed requests (5xx or no answer) the new slice may answer in a step. Default 0.01' }),
    minRequests: z.number().int().min(1).max(1_000_000).optional().meta({ description: 'the error rate is judged once a step has seen this many requests. Default 20' }),
  })
  .meta({ id: 'CanaryRequest' });
export type CanaryRequestDto = z.infer<typeof CanaryRequestSchema>;

export const DeploymentRequestSchema = z
  .object({
    environment: environmentName().meta({ description: 'the environment to deploy to', example: 'dev1' }),
    service: serviceName().meta({ description: 'a configured service', example: 'Hello' }),
    version: packageVersion(),
    mode: z.string().max(20).optional().meta({ description: '`overwrite` (default), `bluegreen` or EM\'s `bg`' }),
    slice: z.string().max(20).optional().meta({ description: '`none` (default; overwrite), `blue` or `green` (bluegreen)' }),
    serverRole: z.string().min(1).max(100).optional().meta({ description: 'needed only when several roles of the deployment map list the service' }),
    server_role: z.string().min(1).max(100).optional().meta({ description: 'EM\'s spelling of `serverRole`' }),
    dryRun: z.boolean().optional().meta({ description: 'return the plan without doing it (also `?dry_run=true`)' }),
    canary: CanaryRequestSchema.optional(),
  })
  .strict()
  .meta({ id: 'DeploymentRequest' });
export type DeploymentRequestDto = z.infer<typeof DeploymentRequestSchema>;

export const DryRunQuerySchema = z.object({
  dry_run: z.enum(['true', 'false']).optional().meta({ description: 'EM\'s way to ask for a dry run' }),
});

const KvWriteSchema = z.object({ key: z.string(), value: z.string() });

/** A dry run's answer (200): what the deployment would do. */
export const DeploymentPlanSchema = z
  .object({
    isDryRun: z.literal(true),
    environment: z.string(),
    service: z.string(),
    version: z.string(),
    mode: z.enum(['overwrite', 'bluegreen']),
    slice: z.enum(['none', 'blue', 'green']),
    serverRole: z.string(),
    runtimeServerRole: z.string(),
    owningCluster: z.string(),
    consulServiceName: z.string(),
    packagePath: z.string().meta({ description: 'where agents download the package from (EM\'s `packagePath`)' }),
    group: z.object({
      name: z.string(),
      action: z.enum(['create', 'reuse']),
      size: z.object({ min: z.number().int(), desired: z.number().int(), max: z.number().int() }),
      tags: z.record(z.string(), z.string()),
    }),
    expectedInstances: z.number().int().meta({ description: 'the live group\'s desired size, or the role\'s when the group is created' }),
    targetState: z.array(KvWriteSchema).meta({ description: 'registry keys the deployment writes, in order' }),
  })
  .meta({ id: 'DeploymentPlan' });
export type DeploymentPlanDto = z.infer<typeof DeploymentPlanSchema>;

export const DeploymentNodeSchema = z
  .object({
    instanceId: z.string(),
    status: z.enum(['Not Started', 'In Progress', 'Success', 'Failed']),
    inService: z.boolean().meta({ description: 'a member of the group in service now, so expected to install' }),
    health: z.enum(['passing', 'warning', 'critical', 'unregistered']).optional(),
    lastCompletedStage: z.string(),
    failedStage: z.string().optional(),
    errorReason: z.string().optional(),
    log: z.string().optional().meta({ description: 'URL of the agent\'s uploaded log' }),
  })
  .meta({ id: 'DeploymentNode' });
export type DeploymentNodeDto = z.infer<typeof DeploymentNodeSchema>;

/** A deployment as `GET /api/v1/deployments/{id}` answers it. */
export const DeploymentSchema = z
  .object({
    id: z.string(),
    status: z.enum(DEPLOYMENT_STATES),
    environment: z.string(),
    environmentType: z.string(),
    service: z.string(),
    version: z.string(),
    mode: z.enum(['overwrite', 'bluegreen']),
    slice: z.enum(['none', 'blue', 'green']),
    serverRole: z.string(),
    runtimeServerRole: z.string(),
    owningCluster: z.string(),
    group: z.string(),
    requestedBy: z.string().optional(),
    requestedAt: z.string().meta({ format: 'date-time' }),
    updatedAt: z.string().meta({ format: 'date-time' }),
    endedAt: z.string().meta({ format: 'date-time' }).optional(),
    reason: z.string().optional().meta({ description: 'why it failed or was cancelled: names the instance, the step and the hook output' }),
    canary: z
      .object({
        steps: z.array(z.number().int()),
        stepSeconds: z.number().int(),
        maxErrorRate: z.number(),
        minRequests: z.number().int(),
        from: z.enum(['blue', 'green']),
        to: z.enum(['blue', 'green']),
        step: z.number().int().optional().meta({ description: 'the step under way, from 1; absent until the slice is installed and healthy' }),
        percent: z.number().int().optional().meta({ description: 'the share of traffic the new slice takes in this step' }),
        stepStartedAt: z.string().meta({ format: 'date-time' }).optional(),
      })
      .optional()
      .meta({ description: 'ours: a weighted canary; status `canary` while its steps run' }),
    wake: z
      .object({
        at: z.string().meta({ format: 'date-time' }),
        group: z.string(),
        started: z.number().int().meta({ description: 'stopped members started' }),
        exitedStandby: z.number().int().meta({ description: 'members taken out of Standby' }),
        restoredSize: z.object({ min: z.number().int(), desired: z.number().int(), max: z.number().int() }).optional().meta({ description: 'the size restored from the schedule\'s saved-size tags' }),
      })
      .optional()
      .meta({ description: 'ours: set when the deployment found its group switched off and woke it; the scheduler returns the group to its schedule after the end' }),
    nodes: z.array(DeploymentNodeSchema),
    log: z.array(z.string()).meta({ description: '`[ISO time] text`, oldest first' }),
    Version: z.number().int().meta({ description: 'the record\'s version; changes with every step' }),
  })
  .meta({ id: 'Deployment' });
export type DeploymentDto = z.infer<typeof DeploymentSchema>;

export const DeploymentSummarySchema = DeploymentSchema.omit({ log: true, nodes: true })
  .extend({ nodeCounts: z.record(z.string(), z.number().int()).meta({ description: 'instances by node status' }) })
  .meta({ id: 'DeploymentSummary' });
export type DeploymentSummaryDto = z.infer<typeof DeploymentSummarySchema>;

export const DeploymentListSchema = z.object({ items: z.array(DeploymentSummarySchema) }).meta({ id: 'DeploymentList' });

export const DeploymentListQuerySchema = PageQuerySchema.extend({
  environment: z.string().max(100).optional(),
  service: z.string().max(100).optional(),
  status: z
    .string()
    .max(200)
    .regex(new RegExp(`^(${[...DEPLOYMENT_STATES, 'active'].join('|')})(,(${[...DEPLOYMENT_STATES, 'active'].join('|')}))*$`), {
      error: `must be a comma-separated list of ${[...DEPLOYMENT_STATES, 'active'].join(', ')}`,
    })
    .optional()
    .meta({ description: 'states, comma-separated; `active` = requested, provisioning and deploying' }),
  since: z.iso.datetime({ offset: true }).optional().meta({ description: 'only deployments requested at or after this time' }),
});

export const DeploymentIdPathSchema = z.object({
  id: z.string().min(1).max(100).regex(/^[A-Za-z0-9-]+$/, { error: 'must be a deployment id' }),
});

/** `PATCH /api/v1/deployments/{id}` (SPEC §5): `{Status: "Cancelled"}` cancels. */
export const DeploymentPatchSchema = z
  .object({ Status: z.literal('Cancelled').meta({ description: 'only `Cancelled` is accepted' }) })
  .strict()
  .meta({ id: 'DeploymentPatch' });

export const RollbackRequestSchema = z
  .object({
    environment: environmentName(),
    service: serviceName(),
    slice: z.enum(['none', 'blue', 'green']).optional(),
    dryRun: z.boolean().optional(),
  })
  .strict()
  .meta({ id: 'RollbackRequest' });

export const EventsQuerySchema = z.object({
  deployment: z.string().max(100).optional().meta({ description: 'only events of this deployment' }),
  environment: z.string().max(100).optional(),
  service: z.string().max(100).optional(),
});
