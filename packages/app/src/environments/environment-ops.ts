import type { ConfigStore } from '@envmgr/ports';

/**
 * The operational state of an environment (EM's ops record, SPEC §3.3): deploy lock, maintenance, schedule settings.
 * An environment without a stored record has the defaults below.
 */
export interface EnvironmentOps {
  environment: string;
  deploymentsLocked: boolean;
  /** Who locked deployments, when and why; set while `deploymentsLocked`. */
  lock?: { by: string; at: string; reason?: string };
  inMaintenance: boolean;
  manualScheduleUp: boolean;
  scheduleAutomatically: boolean;
  defaultSchedule?: string;
}

/** The ops record of an environment, or the defaults when none is stored. Does not check that the environment exists. */
export async function readEnvironmentOps(_deps: { store: ConfigStore }, environment: string): Promise<EnvironmentOps> {
  // stored records come next (issue 6, item 3)
  return { environment, deploymentsLocked: false, inMaintenance: false, manualScheduleUp: false, scheduleAutomatically: false };
}
