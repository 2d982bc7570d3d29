/**
 * Carrying out the scheduler's decisions through Compute, one unit (a group's members, an account's standalone
 * instances, or a whole group) at a time, with retries, and recording every outcome in the action log.
 */
import {
  DomainError,
  SCALING_APPLIED_TAG,
  scalingActionTagValue,
  tagsWithoutSavedSize,
  tagsWithSavedSize,
  type PlannedGroup,
  type PlannedInstance,
  type PlannedScaling,
  type ScheduleActionKind,
} from '@envmgr/domain';
import type { Compute, ScheduleActionRecord } from '@envmgr/ports';

/** Who the scheduler is in records and the audit. */
export const SCHEDULER_ACTOR = 'system:scheduler';

export interface RetryPolicy {
  /** Tries of one call, the first included. @default 3 */
  attempts: number;
  /** Wait before the second try; doubled before each further one. @default 1000 */
  baseDelayMs: number;
}

export interface ApplyContext {
  account: string;
  compute: Compute;
  runId: string;
  retry: RetryPolicy;
  now: () => number;
  nextId: () => string;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Failures that retrying at once cannot cure (the request is wrong for the state things are in): they are recorded
 * and reported straight away, and the next pass tries again from a fresh plan.
 */
function isPermanent(err: unknown): boolean {
  return err instanceof DomainError && ['invalid', 'not-found', 'conflict', 'forbidden'].includes(err.kind);
}

type Outcome = { ok: true; attempts: number } | { ok: false; attempts: number; error: string };

/** Runs `call`, retrying transient failures with doubling waits. */
export async function withRetry(ctx: ApplyContext, call: () => Promise<unknown>): Promise<Outcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      await call();
      return { ok: true, attempts: attempt };
    } catch (err) {
      if (attempt >= ctx.retry.attempts || isPermanent(err)) return { ok: false, attempts: attempt, error: describeError(err) };
      await ctx.sleep(ctx.retry.baseDelayMs * 2 ** (attempt - 1));
    }
  }
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const OPERATIONS: Record<'switchOn' | 'switchOff' | 'putInService' | 'putOutOfService', (c: Compute, ids: string[]) => Promise<unknown>> = {
  putOutOfService: (c, ids) => c.enterStandby(ids, true),
  switchOff: (c, ids) => c.stopInstances(ids),
  switchOn: (c, ids) => c.startInstances(ids),
  putInService: (c, ids) => c.exitStandby(ids),
};

/**
 * Applies the decisions of one unit of instances: one Compute call per kind of action (all-or-nothing, as the port
 * says); when that fails for several instances, each is tried on its own, so one bad instance does not hold the
 * others back. Returns a record per instance acted on.
 */
export async function applyInstanceActions(ctx: ApplyContext, planned: readonly PlannedInstance[]): Promise<ScheduleActionRecord[]> {
  const records: ScheduleActionRecord[] = [];
  for (const action of ['putOutOfService', 'switchOff', 'switchOn', 'putInService'] as const) {
    const batch = planned.filter((p) => p.decision.action === action);
    if (batch.length === 0) continue;
    const run = (ids: string[]) => () => OPERATIONS[action](ctx.compute, ids);
    const together = batch.length > 1 ? await tryOnce(run(batch.map((p) => p.instance.id))) : undefined;
    if (together?.ok) {
      for (const p of batch) records.push(instanceRecord(ctx, p, action, together));
      continue;
    }
    for (const p of batch) records.push(instanceRecord(ctx, p, action, await withRetry(ctx, run([p.instance.id]))));
  }
  return records;
}

async function tryOnce(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    await call();
    return { ok: true, attempts: 1 };
  } catch (err) {
    return { ok: false, attempts: 1, error: describeError(err) };
  }
}

function instanceRecord(ctx: ApplyContext, p: PlannedInstance, action: ScheduleActionKind, outcome: Outcome): ScheduleActionRecord {
  return {
    ...recordBase(ctx, p.decision, action, outcome),
    subject: `${ctx.account}/${p.instance.id}`,
    instanceId: p.instance.id,
    ...(p.group !== undefined ? { group: p.group } : {}),
    environment: p.environment,
    ...(p.cluster !== undefined ? { cluster: p.cluster } : {}),
    instances: 1,
  };
}

function recordBase(ctx: ApplyContext, d: { source?: ScheduleActionRecord['source'] | undefined; schedule?: string | undefined; reason: string }, action: ScheduleActionKind, outcome: Outcome) {
  return {
    id: ctx.nextId(),
    atMs: ctx.now(),
    actor: SCHEDULER_ACTOR,
    runId: ctx.runId,
    account: ctx.account,
    action,
    outcome: outcome.ok ? ('done' as const) : ('failed' as const),
    source: d.source ?? 'environment',
    schedule: d.schedule ?? '',
    reason: d.reason,
    ...(outcome.ok ? {} : { error: outcome.error }),
    attempts: outcome.attempts,
  };
}

/**
 * Scales a whole group to zero, remembering its size in its tags, or restores the remembered size and removes the
 * tags: one `updateGroup` call, on the group's tags as they are now (not as planned), so that a tag added since
 * the plan is kept.
 */
export async function applyGroupAction(ctx: ApplyContext, p: PlannedGroup): Promise<ScheduleActionRecord> {
  const { decision, group } = p;
  const action = decision.action === 'restoreSize' ? 'restoreSize' : 'scaleToZero';
  const size = decision.size ?? group.size;
  const outcome = await withRetry(ctx, async () => {
    const tags = (await ctx.compute.getGroup(group.name))?.tags ?? group.tags;
    if (action === 'scaleToZero') return ctx.compute.updateGroup(group.name, { size: { min: 0, desired: 0 }, tags: tagsWithSavedSize(tags, size) });
    return ctx.compute.updateGroup(group.name, { size, tags: tagsWithoutSavedSize(tags) });
  });
  return {
    ...recordBase(ctx, decision, action, outcome),
    subject: `${ctx.account}/group:${group.name}`,
    group: group.name,
    environment: p.environment,
    ...(p.cluster !== undefined ? { cluster: p.cluster } : {}),
    instances: size.desired,
  };
}

/**
 * Applies a due action of a group's scaling schedule: its size (only the bounds the action names) and the applied
 * mark in the same `updateGroup` call, so an occurrence is applied once even when the lock moves to another server.
 */
export async function applyScalingAction(ctx: ApplyContext, p: PlannedScaling): Promise<ScheduleActionRecord> {
  const { action, atMs, wallTime, index } = p.due;
  const size = {
    desired: action.DesiredCapacity,
    ...(action.MinSize !== undefined ? { min: action.MinSize } : {}),
    ...(action.MaxSize !== undefined ? { max: action.MaxSize } : {}),
  };
  const outcome = await withRetry(ctx, async () => {
    const tags = (await ctx.compute.getGroup(p.group.name))?.tags ?? p.group.tags;
    return ctx.compute.updateGroup(p.group.name, { size, tags: { ...tags, [SCALING_APPLIED_TAG]: new Date(atMs).toISOString() } });
  });
  const bounds = [action.MinSize !== undefined ? `min ${action.MinSize}` : '', action.MaxSize !== undefined ? `max ${action.MaxSize}` : ''].filter(Boolean).join(', ');
  const reason = `scaling schedule action ${index + 1} (${action.Recurrence}${action.TimeZone ? ` | ${action.TimeZone}` : ''}) occurred at ${wallTime}: desired ${action.DesiredCapacity}${bounds ? `, ${bounds}` : ''}`;
  return {
    ...recordBase(ctx, { source: 'asg', schedule: scalingActionTagValue(action), reason }, 'scheduledScaling', outcome),
    subject: `${ctx.account}/group:${p.group.name}:scaling`,
    group: p.group.name,
    environment: p.environment,
    ...(p.cluster !== undefined ? { cluster: p.cluster } : {}),
    instances: action.DesiredCapacity,
  };
}
