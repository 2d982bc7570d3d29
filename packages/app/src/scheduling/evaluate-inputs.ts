import {
  decideWithOverride,
  lintEmSchedule,
  parseSchedule,
  scheduleStatus,
  type OverridableDecision,
  type ScheduleDecisionInput,
  type ScheduleInstanceState,
  type ScheduleLifecycleState,
  type ScheduleOverride,
  type ScheduleStatus,
} from '@envmgr/domain';
import type { Clock, ConfigStore } from '@envmgr/ports';
import type { RequestContext } from '../context.js';
import { requireSignedIn } from '../identity/access.js';
import { getEnvironmentOps } from '../environments/environment-ops.js';

/** `POST /schedule/evaluate`: an instance, its group and its environment as they might be. */
export interface HypotheticalSchedule {
  /** @default now */
  atMs?: number | undefined;
  instance?: { schedule?: string | undefined; state?: ScheduleInstanceState | undefined; maintenance?: boolean | undefined } | undefined;
  /** Present when the instance is a member of a group. */
  group?: { schedule?: string | undefined; lifecycleState?: ScheduleLifecycleState | undefined } | undefined;
  environment?:
    | {
        /** Start from this configured environment's settings (404 when unknown); the fields below replace them. */
        name?: string | undefined;
        manualScheduleUp?: boolean | undefined;
        scheduleAutomatically?: boolean | undefined;
        defaultSchedule?: string | undefined;
        inMaintenance?: boolean | undefined;
        override?: { state: 'on' | 'off'; untilMs: number } | undefined;
      }
    | undefined;
}

/** A schedule text that cannot be read, located by the input field that holds it. */
export interface ScheduleProblem {
  path: string;
  code: string;
  message: string;
  fix: string;
  offset: number;
  length: number;
  item?: number;
  field?: string;
}

/** Where EM would read one of the schedules differently (`lintEmSchedule`). */
export interface EmScheduleDifference {
  path: string;
  code: string;
  message: string;
  offset: number;
  length: number;
  item?: number;
}

export interface ScheduleEvaluation {
  at: string;
  decision: OverridableDecision;
  /** The status of the schedule that applies (SPEC §8 precedence), as the status route gives it. */
  status: ScheduleStatus;
  problems: ScheduleProblem[];
  emDifferences: EmScheduleDifference[];
}

/**
 * Decides for a hypothetical instance, so that a team can check a schedule before tagging with it. Writes nothing.
 * The instance is `running` unless told; without `environment` it is in an environment without schedule settings
 * (EM's default: both flags false, so `OFF`). Schedules that cannot be read are decided on as the scheduler would
 * (skip `invalid-schedule`) and listed in `problems` with the fix. Throws NotFoundError for an unknown
 * `environment.name`, UnauthenticatedError.
 */
export async function evaluateHypotheticalSchedule(deps: { store: ConfigStore; clock: Clock }, ctx: RequestContext, h: HypotheticalSchedule): Promise<ScheduleEvaluation> {
  requireSignedIn(ctx.actor);
  const atMs = h.atMs ?? deps.clock.now();
  const e = h.environment ?? {};
  const stored = e.name !== undefined ? await getEnvironmentOps(deps, ctx, e.name) : undefined;
  const storedOverride = stored?.scheduleOverride && { state: stored.scheduleOverride.state, untilMs: Date.parse(stored.scheduleOverride.until), by: stored.scheduleOverride.by };
  const override: ScheduleOverride | undefined = e.override ?? storedOverride;
  const input: ScheduleDecisionInput = {
    instance: { id: 'i-hypothetical', state: h.instance?.state ?? 'running', tags: tagsOf(h.instance?.schedule, h.instance?.maintenance) },
    group: h.group && { name: 'hypothetical-group', tags: tagsOf(h.group.schedule), lifecycleState: h.group.lifecycleState ?? 'InService' },
    environment: {
      name: stored?.environment ?? '(hypothetical)',
      exists: true,
      inMaintenance: e.inMaintenance ?? stored?.inMaintenance ?? false,
      manualScheduleUp: e.manualScheduleUp ?? stored?.manualScheduleUp ?? false,
      scheduleAutomatically: e.scheduleAutomatically ?? stored?.scheduleAutomatically ?? false,
      defaultSchedule: e.defaultSchedule ?? stored?.defaultSchedule,
    },
  };
  const decision = decideWithOverride(input, override, atMs);
  const texts: [string, string | undefined][] = [['instance.schedule', h.instance?.schedule], ['group.schedule', h.group?.schedule], ['environment.defaultSchedule', input.environment?.defaultSchedule]];
  return {
    at: new Date(atMs).toISOString(),
    decision,
    status: decision.source === 'override' && override ? (override.state === 'on' ? 'ON' : 'OFF') : scheduleStatus(input, atMs),
    problems: texts.flatMap(([path, text]) => problemsOf(path, text)),
    emDifferences: texts.flatMap(([path, text]) => (text === undefined ? [] : lintEmSchedule(text).differences.map((d) => ({ path, ...d })))),
  };
}

function tagsOf(schedule: string | undefined, maintenance?: boolean): Record<string, string> {
  return { ...(schedule !== undefined ? { Schedule: schedule } : {}), ...(maintenance ? { Maintenance: 'true' } : {}) };
}

function problemsOf(path: string, text: string | undefined): ScheduleProblem[] {
  if (text === undefined || text.trim() === '') return [];
  const parsed = parseSchedule(text);
  return parsed.ok ? [] : [{ path, ...parsed.error }];
}
