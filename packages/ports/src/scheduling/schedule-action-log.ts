import type { PlannedScheduleSource, ScheduleActionKind } from '@envmgr/domain';

/**
 * One thing the scheduler did, or tried to do, to an instance or a group: who (the scheduler, with its run), what,
 * why (the schedule, its source and the reason) and how it went. The savings report is computed from these.
 */
export interface ScheduleActionRecord {
  /** Unique; `append` refuses a second record with the same id. */
  id: string;
  /** When the action was carried out (or failed for the last time), ms since the epoch. */
  atMs: number;
  /** Who acted, as the audit names actors: `system:scheduler`. */
  actor: string;
  /** The scheduler pass that acted (holder and lease); groups the actions of one run. */
  runId: string;
  /** The Compute the subject lives in. */
  account: string;
  /** What was acted on: `<account>/<instance id>` or `<account>/group:<name>`; the savings follow each subject. */
  subject: string;
  instanceId?: string | undefined;
  /** The instance's group, or the group acted on. */
  group?: string | undefined;
  /** The `Environment` tag. */
  environment: string;
  /** The environment's owning cluster, when known. */
  cluster?: string | undefined;
  action: ScheduleActionKind;
  outcome: 'done' | 'failed';
  /** Machines switched on or off: 1 for an instance, the remembered desired size for a group. */
  instances: number;
  source: PlannedScheduleSource;
  /** The deciding schedule's text. */
  schedule: string;
  reason: string;
  /** Why it failed (the error's message), when `outcome` is `failed`. */
  error?: string | undefined;
  /** Tries it took, 1 when the first succeeded. */
  attempts: number;
}

export interface ScheduleActionQuery {
  /** Inclusive lower bound on `atMs`. */
  sinceMs?: number;
  /** Exclusive upper bound on `atMs`. */
  untilMs?: number;
  environment?: string;
  cluster?: string;
  subject?: string;
  outcome?: 'done' | 'failed';
  /** Only records after this one in the list order (a later `atMs`, or the same with a greater id). */
  after?: { atMs: number; id: string };
  limit: number;
}

export interface LatestActionQuery {
  /** Exclusive upper bound on `atMs`. */
  beforeMs: number;
  /** Only records of these actions. */
  actions: readonly ScheduleActionKind[];
  environment?: string;
  cluster?: string;
}

/**
 * The scheduler's record of its actions (not configuration, so not in the config audit): append-only, read by time.
 *
 * Invariants every adapter keeps (checked by `scheduleActionLogContract`):
 * - a record reads back equal to what was appended (absent optional fields stay absent); callers share no objects.
 * - `append` is atomic: a batch with an id already stored, or twice the same id, throws `AlreadyExistsError` and
 *   stores nothing of it.
 * - `list` returns the oldest first: `atMs` ascending, then id ascending; filters are exact matches.
 * - `latestBefore` returns, per subject, its latest successful (`done`) record among `actions` before `beforeMs`
 *   (the greatest `atMs`, then the greatest id), ordered by subject.
 * - `prune(beforeMs)` deletes the records older than `beforeMs` except, per subject and action, the latest `done`
 *   one, so that `latestBefore` gives the same answers at every instant from `beforeMs` on; it returns how many
 *   records it deleted.
 */
export interface ScheduleActionLog {
  append(records: readonly ScheduleActionRecord[]): Promise<void>;
  list(query: ScheduleActionQuery): Promise<ScheduleActionRecord[]>;
  latestBefore(query: LatestActionQuery): Promise<ScheduleActionRecord[]>;
  /** Deletes old records, keeping what later savings reports need (see above). */
  prune(beforeMs: number): Promise<number>;
  /** Releases the log's resources. */
  close(): Promise<void>;
}
