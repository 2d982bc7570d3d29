/**
 * Instance-hours saved against always-on, from the scheduler's recorded actions (ours, beyond EM). An instance the
 * scheduler switched off saves one instance-hour per hour until it is switched on again; a group scaled to zero
 * saves its remembered desired size per hour until its size is restored. Only actions that succeeded count.
 */

/** What the scheduler did (SPEC §8's actions, and ours for whole groups). */
export type ScheduleActionKind = 'switchOn' | 'switchOff' | 'putInService' | 'putOutOfService' | 'scaleToZero' | 'restoreSize' | 'scheduledScaling';

/** The actions that stop machines, and those that start them again. */
export const SAVING_STARTS: readonly ScheduleActionKind[] = ['switchOff', 'scaleToZero'];
export const SAVING_ENDS: readonly ScheduleActionKind[] = ['switchOn', 'restoreSize'];

/** One successful action, as the savings read it. */
export interface SavingsEvent {
  /** What was acted on: an instance or a group, unique across accounts. */
  subject: string;
  environment: string;
  cluster?: string | undefined;
  atMs: number;
  action: ScheduleActionKind;
  /** Machines the action switched off or on: 1 for an instance, the desired size for a group. */
  instances: number;
}

export interface SavingsLine {
  environment: string;
  cluster?: string | undefined;
  instanceHoursSaved: number;
  /** Instances and groups switched off for some of the period. */
  subjects: number;
}

export interface SavingsReport {
  instanceHoursSaved: number;
  /** By environment, most saved first (then by name). */
  environments: SavingsLine[];
}

const HOUR_MS = 3_600_000;

/**
 * The savings over `[sinceMs, untilMs)`. `before` holds each subject's latest event before `sinceMs` (its state when
 * the period starts); `during` the events inside the period. Events in any order; ties keep the given order.
 */
export function computeSavings(before: readonly SavingsEvent[], during: readonly SavingsEvent[], sinceMs: number, untilMs: number): SavingsReport {
  const subjects = new Map<string, { environment: string; cluster?: string | undefined; offSinceMs?: number; weight: number; savedMs: number }>();
  const apply = (e: SavingsEvent, atMs: number) => {
    const s = subjects.get(e.subject) ?? { environment: e.environment, cluster: e.cluster, weight: 0, savedMs: 0 };
    s.environment = e.environment;
    s.cluster = e.cluster;
    if (SAVING_STARTS.includes(e.action) && s.offSinceMs === undefined) {
      s.offSinceMs = atMs;
      s.weight = e.instances;
    } else if (SAVING_ENDS.includes(e.action) && s.offSinceMs !== undefined) {
      s.savedMs += (atMs - s.offSinceMs) * s.weight;
      s.offSinceMs = undefined;
    }
    subjects.set(e.subject, s);
  };
  for (const e of before) if (e.atMs < sinceMs && (SAVING_STARTS.includes(e.action) || SAVING_ENDS.includes(e.action))) apply(e, sinceMs);
  const inside = during.map((e, i) => ({ e, i })).filter(({ e }) => e.atMs >= sinceMs && e.atMs < untilMs);
  inside.sort((a, b) => a.e.atMs - b.e.atMs || a.i - b.i);
  for (const { e } of inside) apply(e, e.atMs);
  const lines = new Map<string, SavingsLine>();
  for (const s of subjects.values()) {
    const savedMs = s.savedMs + (s.offSinceMs !== undefined ? (untilMs - s.offSinceMs) * s.weight : 0);
    if (savedMs <= 0) continue;
    const line = lines.get(s.environment) ?? { environment: s.environment, ...(s.cluster !== undefined ? { cluster: s.cluster } : {}), instanceHoursSaved: 0, subjects: 0 };
    line.instanceHoursSaved += savedMs / HOUR_MS;
    line.subjects += 1;
    lines.set(s.environment, line);
  }
  const environments = [...lines.values()].sort((a, b) => b.instanceHoursSaved - a.instanceHoursSaved || (a.environment < b.environment ? -1 : 1));
  return { instanceHoursSaved: environments.reduce((sum, l) => sum + l.instanceHoursSaved, 0), environments };
}
