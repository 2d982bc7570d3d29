import { createScheduleMemo, type PlannedGroup, type PlannedInstance, type PlannedScaling, type PlanEnvironment, type ScheduleMemo } from '@envmgr/domain';
import type { Lock, ScheduleActionRecord } from '@envmgr/ports';
import { applyGroupAction, applyInstanceActions, applyScalingAction, type ApplyContext, type RetryPolicy } from './apply-actions.js';
import { readScheduleEnvironments } from './schedule-environments.js';
import { planAccount } from './schedule-plan.js';
import type { ScheduledAccount, SchedulingDeps } from './scheduling-deps.js';

export const SCHEDULER_LOCK = 'scheduler';

export interface SchedulerOptions {
  lock: Lock;
  /** This process's name as a lock holder; unique among EM servers (and Lambda invocations). */
  holder: string;
  /** Lease of the scheduler lock; longer than a pass takes. @default 900000 (15 min) */
  leaseMs?: number;
  /** EM's `WHAT_IF`: plan and count, change nothing, record nothing. @default false */
  whatIf?: boolean;
  /** EM's `LIMIT_TO_ENVIRONMENT`: only environments whose name matches. @default every environment */
  limitToEnvironment?: RegExp;
  /** Retries of each Compute call within a pass. @default 3 tries, 1 s then 2 s apart */
  retry?: Partial<RetryPolicy>;
  /**
   * After a failed action, the instance or group is left alone for this long (doubling with each failure in a row,
   * at most `maxBackoffMs`), then tried again from a fresh plan. @default 300000 (5 min)
   */
  backoffMs?: number;
  /** @default 3600000 (1 h) */
  maxBackoffMs?: number;
  /** Accounts worked on at the same time. @default 4 */
  concurrency?: number;
  /** Waits between retries (a timer in the server; tests pass one that returns at once). */
  sleep: (ms: number) => Promise<void>;
  /** Checked before each unit of work; when it says stop, the rest of the pass is deferred (a Lambda near its deadline). */
  shouldStop?: () => boolean;
  /**
   * Action records older than this are pruned, at most once a day, keeping what savings reports of later periods
   * need (`ScheduleActionLog.prune`). @default 400 days (a year's report, with room)
   */
  retentionMs?: number;
  /** Told of every failed action and every account that could not be read, as they happen. */
  onFailure?: (failure: SchedulerFailure) => void;
}

/** An action that failed (after its retries), or an account that could not be read. */
export interface SchedulerFailure {
  account: string;
  /** The subject of the action (`<account>/<instance id>`, `<account>/group:<name>`); absent for an account. */
  subject?: string;
  action?: string;
  environment?: string;
  error: string;
  attempts?: number;
}

export interface SchedulerRunResult {
  /** False when another process holds the scheduler lock: nothing was done. */
  leading: boolean;
  runId?: string;
  atMs: number;
  /** Instances and whole groups decided on. */
  decided: number;
  /** Actions carried out (or, in what-if mode, that would have been). */
  acted: number;
  /** Actions left for a later pass: in back-off after a failure, or after `shouldStop`. */
  deferred: number;
  failures: SchedulerFailure[];
  /** Action records pruned by this pass, when it pruned. */
  pruned?: number;
}

const DAY_MS = 86_400_000;
export const DEFAULT_ACTION_RETENTION_MS = 400 * DAY_MS;

export interface SchedulerPass {
  run(): Promise<SchedulerRunResult>;
  /** Gives the lock up, so that another server takes over without waiting for the lease. */
  release(): Promise<void>;
}

/**
 * The scheduler job (SPEC §8 "Runner", ours: a leader-locked job): on the holder of the scheduler lock, plan every
 * account's instances and scale-to-zero groups, then apply the actions unit by unit: each group's members, each
 * account's standalone instances, each whole group. A failure stays inside its unit and is recorded, reported and
 * retried on a later pass after a back-off; an account that cannot be read does not stop the others. Every action
 * is recorded in the action log as `system:scheduler` with its schedule, source and reason. The server runs passes
 * on a timer; the Lambda handler runs one per invocation.
 */
export function createSchedulerPass(deps: SchedulingDeps, opts: SchedulerOptions): SchedulerPass {
  const backoff = new Map<string, { failures: number; untilMs: number }>();
  let leading = false;
  let passes = 0;
  let prunedAtMs: number | undefined;
  return {
    async run() {
      const atMs = deps.clock.now();
      const got = await opts.lock.tryAcquire(SCHEDULER_LOCK, opts.holder, opts.leaseMs ?? 900_000);
      leading = got.acquired;
      if (!got.acquired) return { leading: false, atMs, decided: 0, acted: 0, deferred: 0, failures: [] };
      const runId = `${opts.holder}#${++passes}@${new Date(atMs).toISOString()}`;
      const environments = await readScheduleEnvironments(deps.config.store);
      const held = await deps.holds?.();
      const result: SchedulerRunResult = { leading: true, runId, atMs, decided: 0, acted: 0, deferred: 0, failures: [] };
      const memo = createScheduleMemo(atMs);
      await forEachLimited(deps.accounts, opts.concurrency ?? 4, (account) => runAccount({ deps, opts, account, environments, held, atMs, memo, runId, backoff, result }));
      if (!opts.whatIf && (prunedAtMs === undefined || atMs - prunedAtMs >= DAY_MS)) {
        prunedAtMs = atMs;
        try {
          result.pruned = await deps.actions.prune(atMs - (opts.retentionMs ?? DEFAULT_ACTION_RETENTION_MS));
        } catch (err) {
          const failure = { account: '*', error: `old action records could not be pruned (tried again in a day): ${err instanceof Error ? err.message : String(err)}` };
          result.failures.push(failure);
          opts.onFailure?.(failure);
        }
      }
      return result;
    },
    async release() {
      if (leading) await opts.lock.release(SCHEDULER_LOCK, opts.holder);
      leading = false;
    },
  };
}

interface AccountRun {
  deps: SchedulingDeps;
  opts: SchedulerOptions;
  account: ScheduledAccount;
  environments: ReadonlyMap<string, PlanEnvironment>;
  held: ReadonlyMap<string, string> | undefined;
  atMs: number;
  memo: ScheduleMemo;
  runId: string;
  backoff: Map<string, { failures: number; untilMs: number }>;
  result: SchedulerRunResult;
}

type Unit =
  | { kind: 'instances'; subjects: string[]; planned: PlannedInstance[] }
  | { kind: 'group'; subjects: string[]; planned: PlannedGroup }
  | { kind: 'scaling'; subjects: string[]; planned: PlannedScaling };

async function runAccount(r: AccountRun): Promise<void> {
  const fail = (f: SchedulerFailure) => {
    r.result.failures.push(f);
    r.opts.onFailure?.(f);
  };
  let plan: Awaited<ReturnType<typeof planAccount>>;
  try {
    plan = await planAccount(r.account, r.environments, r.atMs, r.memo, undefined, r.held);
  } catch (err) {
    return fail({ account: r.account.name, error: `the account's groups and instances could not be read: ${err instanceof Error ? err.message : String(err)}` });
  }
  const limit = r.opts.limitToEnvironment;
  const inScope = (env: string) => limit === undefined || limit.test(env);
  const instances = plan.instances.filter((p) => inScope(p.environment));
  const groups = plan.groups.filter((p) => inScope(p.environment));
  const scalings = plan.scalings.filter((p) => inScope(p.environment));
  r.result.decided += instances.length + groups.length + scalings.length;
  for (const unit of unitsOf(r.account.name, instances, groups, scalings)) {
    if (r.opts.whatIf) {
      r.result.acted += unit.subjects.length;
      continue;
    }
    const due = dueOnly(r, unit);
    r.result.deferred += unit.subjects.length - (due?.subjects.length ?? 0);
    if (!due) continue;
    if (r.opts.shouldStop?.()) {
      r.result.deferred += due.subjects.length;
      continue;
    }
    try {
      for (const rec of await applyUnit(r, due, fail)) noteOutcome(r, rec, fail);
    } catch (err) {
      // applying catches Compute's failures; anything else is a bug, kept inside this unit all the same
      for (const subject of due.subjects) fail({ account: r.account.name, subject, error: err instanceof Error ? err.message : String(err) });
    }
  }
}

/** The unit without its subjects in back-off after a failure; undefined when none is left. */
function dueOnly(r: AccountRun, unit: Unit): Unit | undefined {
  const isDue = (subject: string) => (r.backoff.get(subject)?.untilMs ?? 0) <= r.atMs;
  if (unit.kind !== 'instances') return unit.subjects.every(isDue) ? unit : undefined;
  const planned = unit.planned.filter((p) => isDue(subjectOf(r.account.name, p)));
  return planned.length ? { kind: 'instances', planned, subjects: planned.map((p) => subjectOf(r.account.name, p)) } : undefined;
}

const subjectOf = (account: string, p: PlannedInstance): string => `${account}/${p.instance.id}`;

/** The units of an account: each group's member actions, the standalone instances' actions, each whole group, each due scaling action. */
function unitsOf(account: string, instances: readonly PlannedInstance[], groups: readonly PlannedGroup[], scalings: readonly PlannedScaling[]): Unit[] {
  const byGroup = new Map<string, PlannedInstance[]>();
  for (const p of instances) {
    if (p.decision.action === 'skip') continue;
    const key = p.group ?? '';
    const list = byGroup.get(key) ?? [];
    list.push(p);
    byGroup.set(key, list);
  }
  const units: Unit[] = [...byGroup.values()].map((planned) => ({ kind: 'instances', planned, subjects: planned.map((p) => subjectOf(account, p)) }));
  for (const g of groups) if (g.decision.action !== 'skip') units.push({ kind: 'group', planned: g, subjects: [`${account}/group:${g.group.name}`] });
  for (const p of scalings) units.push({ kind: 'scaling', planned: p, subjects: [`${account}/group:${p.group.name}:scaling`] });
  return units;
}

async function applyUnit(r: AccountRun, unit: Unit, fail: (f: SchedulerFailure) => void): Promise<ScheduleActionRecord[]> {
  const ctx: ApplyContext = {
    account: r.account.name,
    compute: r.account.compute,
    runId: r.runId,
    retry: { attempts: r.opts.retry?.attempts ?? 3, baseDelayMs: r.opts.retry?.baseDelayMs ?? 1000 },
    now: () => r.deps.clock.now(),
    nextId: () => r.deps.ids.next(),
    sleep: r.opts.sleep,
  };
  const records =
    unit.kind === 'group' ? [await applyGroupAction(ctx, unit.planned)] : unit.kind === 'scaling' ? [await applyScalingAction(ctx, unit.planned)] : await applyInstanceActions(ctx, unit.planned);
  try {
    await r.deps.actions.append(records);
  } catch (err) {
    // the actions happened (or failed) all the same; say so, since the savings report will not see them
    const error = `not recorded in the action log: ${err instanceof Error ? err.message : String(err)}`;
    for (const rec of records) fail({ account: rec.account, subject: rec.subject, action: rec.action, environment: rec.environment, error });
  }
  return records;
}

function noteOutcome(r: AccountRun, rec: ScheduleActionRecord, fail: (f: SchedulerFailure) => void): void {
  if (rec.outcome === 'done') {
    r.result.acted += 1;
    r.backoff.delete(rec.subject);
    return;
  }
  const failures = (r.backoff.get(rec.subject)?.failures ?? 0) + 1;
  const waitMs = Math.min(r.opts.maxBackoffMs ?? 3_600_000, (r.opts.backoffMs ?? 300_000) * 2 ** (failures - 1));
  r.backoff.set(rec.subject, { failures, untilMs: r.atMs + waitMs });
  fail({ account: rec.account, subject: rec.subject, action: rec.action, environment: rec.environment, error: rec.error ?? 'failed', attempts: rec.attempts });
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
