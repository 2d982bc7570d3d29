import type { ScheduledAccount } from '@envmgr/app';
import type { ScheduleActionLog } from '@envmgr/ports';

/** What the scheduling routes need beyond the configuration. */
export interface SchedulingHttpDeps {
  /** The scheduler's recorded actions, read by the savings report. */
  actions: ScheduleActionLog;
  /**
   * The accounts `GET /instances/schedule-actions` plans for.
   * @default the runtime's compute as account `local`; without either that route is not served
   */
  accounts?: readonly ScheduledAccount[];
  /** Groups deployments in progress hold on (schedule-aware deployments), shown as `held-by-deployment` skips. */
  holds?: () => Promise<ReadonlyMap<string, string>>;
}
