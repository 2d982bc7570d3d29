import { lintEmSchedule, opsValueOf, tagValue, type Actor, type EmDifference } from '@envmgr/domain';
import { listAll } from '../config/export-config.js';
import { requireSignedIn } from '../identity/access.js';
import type { SchedulingDeps } from './scheduling-deps.js';

/** A schedule in use whose meaning differs between trainline's EM and EM (SPEC §8). */
export interface ScheduleLintFinding {
  /** Where the schedule is: an instance's or a group's `Schedule` tag, or an environment's `DefaultSchedule`. */
  kind: 'instance' | 'asg' | 'environment';
  /** The instance id, group name or environment name. */
  name: string;
  account?: string;
  /** The `Environment` tag (for instances and groups). */
  environment?: string;
  schedule: string;
  differences: readonly EmDifference[];
}

/**
 * `envmgr schedule lint`: every schedule in use (instance and group `Schedule` tags of every account, environments'
 * `DefaultSchedule`) that EM reads differently from us, so that teams moving from EM fix those first. Instances
 * tagged like their group are reported once, on the group. Throws UnauthenticatedError.
 */
export async function lintScheduleTags(deps: Pick<SchedulingDeps, 'config' | 'accounts'>, actor: Actor, q: { environment?: string | undefined } = {}): Promise<ScheduleLintFinding[]> {
  requireSignedIn(actor);
  const out: ScheduleLintFinding[] = [];
  const check = (f: Omit<ScheduleLintFinding, 'differences'>) => {
    const lint = lintEmSchedule(f.schedule);
    if (lint.differs) out.push({ ...f, differences: lint.differences });
  };
  for (const ops of await listAll(deps.config.store, 'environment-ops')) {
    const text = opsValueOf(ops.data).DefaultSchedule;
    if (text !== undefined && (q.environment === undefined || ops.key === q.environment)) check({ kind: 'environment', name: ops.key, schedule: text });
  }
  for (const account of deps.accounts) {
    const filter = q.environment !== undefined ? { tagFilters: { Environment: q.environment } } : {};
    const groups = await account.compute.listGroups(filter);
    const groupSchedule = new Map(groups.map((g) => [g.name, tagValue(g.tags, 'Schedule')]));
    for (const g of groups) {
      const text = groupSchedule.get(g.name);
      if (text) check({ kind: 'asg', name: g.name, account: account.name, environment: tagValue(g.tags, 'Environment') ?? '', schedule: text });
    }
    for (const i of await account.compute.listInstances(filter)) {
      const text = tagValue(i.tags, 'Schedule');
      if (text && (i.group === undefined || groupSchedule.get(i.group) !== text)) {
        check({ kind: 'instance', name: i.id, account: account.name, environment: tagValue(i.tags, 'Environment') ?? '', schedule: text });
      }
    }
  }
  return out;
}
