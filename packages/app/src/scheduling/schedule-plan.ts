import { createScheduleMemo, NotFoundError, planSchedule, type Actor, type PlanAccount, type PlannedGroup, type PlannedInstance, type PlanEnvironment, type ScheduleMemo } from '@envmgr/domain';
import { requireSignedIn } from '../identity/access.js';
import { readScheduleEnvironments } from './schedule-environments.js';
import type { ScheduledAccount, SchedulingDeps } from './scheduling-deps.js';

/**
 * What one account holds, read from its Compute: every group (members read their group's tags) and every instance
 * that is not terminated, or only those tagged with `environment`.
 */
export async function readAccount(account: ScheduledAccount, environment?: string, held?: ReadonlyMap<string, string>): Promise<PlanAccount> {
  const [groups, instances] = await Promise.all([
    account.compute.listGroups(),
    account.compute.listInstances(environment !== undefined ? { tagFilters: { Environment: environment } } : {}),
  ]);
  return { account: account.name, groups, instances, ...(held !== undefined ? { held } : {}) };
}

/** The plan of one account at `atMs`; `held` are the groups deployments in progress hold on. */
export async function planAccount(
  account: ScheduledAccount,
  environments: ReadonlyMap<string, PlanEnvironment>,
  atMs: number,
  memo: ScheduleMemo,
  environment?: string,
  held?: ReadonlyMap<string, string>,
) {
  const plan = planSchedule(await readAccount(account, environment, held), environments, atMs, memo);
  if (environment === undefined) return plan;
  return { instances: plan.instances, groups: plan.groups.filter((g) => g.environment === environment), scalings: plan.scalings.filter((g) => g.environment === environment) };
}

export interface PlannedActions {
  atMs: number;
  instances: PlannedInstance[];
  groups: PlannedGroup[];
}

/**
 * `GET /instances/schedule-actions`: what the scheduler would do at `atMs` (default now) to every instance (and
 * scale-to-zero group) of every account, or of one account or environment; nothing is changed. Throws NotFoundError
 * for an unknown account, UnauthenticatedError.
 */
export async function planScheduleActions(
  deps: Pick<SchedulingDeps, 'config' | 'accounts' | 'clock' | 'holds'>,
  actor: Actor,
  q: { atMs?: number | undefined; environment?: string | undefined; account?: string | undefined } = {},
): Promise<PlannedActions> {
  requireSignedIn(actor);
  const accounts = q.account === undefined ? deps.accounts : deps.accounts.filter((a) => a.name === q.account);
  if (q.account !== undefined && accounts.length === 0) throw new NotFoundError('account', q.account, { accounts: deps.accounts.map((a) => a.name) });
  const atMs = q.atMs ?? deps.clock.now();
  const environments = await readScheduleEnvironments(deps.config.store);
  const memo = createScheduleMemo(atMs);
  const held = await deps.holds?.();
  const out: PlannedActions = { atMs, instances: [], groups: [] };
  for (const account of accounts) {
    const plan = await planAccount(account, environments, atMs, memo, q.environment, held);
    // concat, not push(...): an account may hold more instances than a call takes arguments
    out.instances = out.instances.concat(plan.instances);
    out.groups = out.groups.concat(plan.groups);
  }
  return out;
}
