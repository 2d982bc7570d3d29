import { computeSavings, SAVING_ENDS, SAVING_STARTS, ValidationError, type Actor, type SavingsEvent, type SavingsLine } from '@envmgr/domain';
import type { ScheduleActionRecord } from '@envmgr/ports';
import { requireSignedIn } from '../identity/access.js';
import type { SchedulingDeps } from './scheduling-deps.js';

const DAY_MS = 86_400_000;
/** The longest period one report covers: it reads every action of the period. */
export const SAVINGS_MAX_DAYS = 400;
const PAGE = 5000;

export interface SavingsQuery {
  environment?: string | undefined;
  cluster?: string | undefined;
  /** @default 7 days before `untilMs` */
  sinceMs?: number | undefined;
  /** @default now; a later time is read as now (savings still to come are not counted) */
  untilMs?: number | undefined;
}

export interface ScheduleSavings {
  since: string;
  until: string;
  environment?: string;
  cluster?: string;
  /** Instance-hours the scheduler saved against always-on over the period. */
  instanceHoursSaved: number;
  /** By environment, most saved first. */
  environments: SavingsLine[];
  /** Successful actions read inside the period. */
  actions: number;
}

/**
 * `GET /schedule/savings`: instance-hours saved against always-on over `[since, until)`, per environment, from the
 * scheduler's recorded actions (see `computeSavings`). Throws ValidationError for a period that is empty, reversed
 * or longer than 400 days; UnauthenticatedError.
 */
export async function scheduleSavings(deps: Pick<SchedulingDeps, 'actions' | 'clock'>, actor: Actor, q: SavingsQuery): Promise<ScheduleSavings> {
  requireSignedIn(actor);
  const now = deps.clock.now();
  const untilMs = Math.min(q.untilMs ?? now, now);
  const sinceMs = q.sinceMs ?? untilMs - 7 * DAY_MS;
  if (sinceMs >= untilMs) {
    throw new ValidationError([{ path: 'since', message: `is ${new Date(sinceMs).toISOString()}, not before until (${new Date(untilMs).toISOString()}, and never after now); give an earlier since` }]);
  }
  if (untilMs - sinceMs > SAVINGS_MAX_DAYS * DAY_MS) {
    throw new ValidationError([{ path: 'since', message: `starts more than ${SAVINGS_MAX_DAYS} days before until; ask for a shorter period` }]);
  }
  const filter = { ...(q.environment !== undefined ? { environment: q.environment } : {}), ...(q.cluster !== undefined ? { cluster: q.cluster } : {}) };
  const before = await deps.actions.latestBefore({ beforeMs: sinceMs, actions: [...SAVING_STARTS, ...SAVING_ENDS], ...filter });
  const during: ScheduleActionRecord[] = [];
  for (;;) {
    const last = during[during.length - 1];
    const page = await deps.actions.list({ sinceMs, untilMs, outcome: 'done', limit: PAGE, ...filter, ...(last ? { after: { atMs: last.atMs, id: last.id } } : {}) });
    for (const r of page) during.push(r);
    if (page.length < PAGE) break;
  }
  const report = computeSavings(before.map(toEvent), during.map(toEvent), sinceMs, untilMs);
  return {
    since: new Date(sinceMs).toISOString(),
    until: new Date(untilMs).toISOString(),
    ...filter,
    instanceHoursSaved: report.instanceHoursSaved,
    environments: report.environments,
    actions: during.length,
  };
}

function toEvent(r: ScheduleActionRecord): SavingsEvent {
  return { subject: r.subject, environment: r.environment, cluster: r.cluster, atMs: r.atMs, action: r.action, instances: r.instances };
}
