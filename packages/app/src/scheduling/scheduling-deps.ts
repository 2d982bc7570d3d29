import type { Clock, Compute, ConfigStore, IdSource, ScheduleActionLog } from '@envmgr/ports';

/** One Compute the scheduler works on, named as its actions record it (`local` in the embedded mode). */
export interface ScheduledAccount {
  name: string;
  compute: Compute;
}

/** Ports of the scheduling use cases and the scheduler job. */
export interface SchedulingDeps {
  /** Environments, their types and ops records (schedule settings, maintenance, overrides). */
  config: { store: ConfigStore };
  /** Every Compute whose instances are scheduled; one failing account does not stop the others. */
  accounts: readonly ScheduledAccount[];
  /** Where the scheduler records its actions, and the savings report reads them. */
  actions: ScheduleActionLog;
  clock: Clock;
  /** Ids of action records. */
  ids: IdSource;
  /**
   * Groups that deployments in progress hold on, by group name, with why: the scheduler switches none of them off
   * until the deployment ends (schedule-aware deployments). @default none
   */
  holds?: () => Promise<ReadonlyMap<string, string>>;
}
