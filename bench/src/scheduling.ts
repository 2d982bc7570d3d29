import { performance } from 'node:perf_hooks';
import { createScheduleMemo, planSchedule, tagValue, type PlanAccount, type PlanEnvironment, type PlanGroup, type PlanInstance } from '@envmgr/domain';
import { median, type BenchTable } from './report.js';

/** Issue 8's target: plan decisions for 100,000 instances in 500 accounts in at most 1 s. */
export const SCHEDULE_RUN = { accounts: 500, instancesPerAccount: 200, groupsPerAccount: 10, environments: 250, repeats: 7, targetS: 1 } as const;

const SCHEDULES = [
  'start: 0 8 * * 1-5; stop: 0 19 * * 1-5 | Europe/London',
  'start: 0 9 * * 1-5; stop: 0 17 * * 1-5',
  'start: 30 7 * * MON-FRI; stop: 0 20 * * MON-FRI | America/New_York',
  'stop: 0 19 * * FRI; start: 0 7 * * MON | Australia/Sydney',
  'start: 0 6 * * *; stop: 0 22 * * *',
  '247',
  'OFF',
  'NOSCHEDULE',
] as const;
const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;

/**
 * 500 accounts of 200 instances: 10 groups of 15 members (a few scheduled as a whole) and 50 standalone instances,
 * in 250 environments with various settings; a third of the instances and a fifth of the groups carry their own
 * `Schedule` tag (eight distinct texts in four zones); some instances are stopped, in Standby or tagged Maintenance.
 */
export function scheduleFixture(): { accounts: PlanAccount[]; environments: Map<string, PlanEnvironment> } {
  const environments = new Map<string, PlanEnvironment>();
  for (let e = 0; e < SCHEDULE_RUN.environments; e++) {
    const name = `env${e}`;
    environments.set(name, {
      name, cluster: `Cluster${e % 12}`, environmentType: e % 5 === 0 ? 'Prod' : 'Dev', inMaintenance: e % 50 === 7,
      manualScheduleUp: e % 4 === 0, scheduleAutomatically: e % 4 !== 3, defaultSchedule: pick(SCHEDULES, e), ignoreGroupInstances: e % 40 === 1,
      ...(e % 25 === 3 ? { override: { state: 'on' as const, untilMs: Date.UTC(2026, 10, 25, 22), by: 'alice' } } : {}),
    });
  }
  const accounts: PlanAccount[] = [];
  let n = 0;
  for (let a = 0; a < SCHEDULE_RUN.accounts; a++) {
    const groups: PlanGroup[] = [];
    const instances: PlanInstance[] = [];
    for (let g = 0; g < SCHEDULE_RUN.groupsPerAccount; g++) {
      const env = `env${(a * 7 + g) % SCHEDULE_RUN.environments}`;
      const name = `${env}-a${a}-g${g}`;
      const tags: Record<string, string> = { Environment: env, Role: `Role${g}` };
      if (g % 5 === 0) tags.Schedule = pick(SCHEDULES, a + g);
      if (g === 9) tags.ScheduleMode = 'scale-to-zero';
      groups.push({ name, tags, size: { min: 0, desired: 15, max: 20 } });
    }
    const perGroup = (SCHEDULE_RUN.instancesPerAccount - 50) / SCHEDULE_RUN.groupsPerAccount;
    for (let i = 0; i < SCHEDULE_RUN.instancesPerAccount; i++) {
      n++;
      const group = i < SCHEDULE_RUN.groupsPerAccount * perGroup ? groups[Math.floor(i / perGroup)] : undefined;
      const env = group?.tags.Environment ?? `env${(a * 13 + i) % SCHEDULE_RUN.environments}`;
      const tags: Record<string, string> = { Environment: env, Role: 'Web', Name: `i${n}` };
      if (n % 3 === 0) tags.Schedule = pick(SCHEDULES, n);
      if (n % 97 === 0) tags.Maintenance = 'true';
      instances.push({
        id: `i-${n.toString(16).padStart(17, '0')}`, name: `i${n}`, state: n % 4 === 0 ? 'stopped' : 'running', tags,
        group: group?.name, lifecycleState: group ? (n % 6 === 0 ? 'Standby' : 'InService') : undefined,
      });
    }
    accounts.push({ account: `account-${a}`, groups, instances });
  }
  return { accounts, environments };
}

const NOW = Date.UTC(2026, 10, 25, 18, 0);

/** The plan of every account, as one scheduler pass makes it (one memo for the pass). */
function planAll(accounts: readonly PlanAccount[], environments: ReadonlyMap<string, PlanEnvironment>): number {
  const memo = createScheduleMemo(NOW);
  let acting = 0;
  for (const account of accounts) {
    const plan = planSchedule(account, environments, NOW, memo);
    for (const p of plan.instances) if (p.decision.action !== 'skip') acting++;
    for (const g of plan.groups) if (g.decision.action !== 'skip') acting++;
  }
  return acting;
}

/**
 * The floor: the same walk over the same inputs without deciding: the group map of each account, each instance's
 * environment and group looked up and a record made for it, as the plan does around `decide`.
 */
function iterateAll(accounts: readonly PlanAccount[], environments: ReadonlyMap<string, PlanEnvironment>): number {
  let found = 0;
  for (const account of accounts) {
    const groups = new Map(account.groups.map((g) => [g.name, g]));
    const out: { id: string; environment: string; group: PlanGroup | undefined; env: PlanEnvironment | undefined }[] = [];
    for (const instance of account.instances) {
      const environment = tagValue(instance.tags, 'Environment') ?? '';
      const env = environments.get(environment);
      const group = instance.group !== undefined ? groups.get(instance.group) : undefined;
      out.push({ id: instance.id, environment, group, env });
      if (env) found++;
    }
  }
  return found;
}

function timeMs(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** Plans 100,000 instances in 500 accounts, beside iterating them without deciding; the median of 7 runs each. */
export async function schedulingBenchmark(log: (line: string) => void): Promise<BenchTable> {
  log(`scheduling: building ${SCHEDULE_RUN.accounts * SCHEDULE_RUN.instancesPerAccount} instances in ${SCHEDULE_RUN.accounts} accounts ...`);
  const { accounts, environments } = scheduleFixture();
  const instances = accounts.reduce((sum, a) => sum + a.instances.length, 0);
  // warm up the JIT on both paths before measuring
  planAll(accounts.slice(0, 20), environments);
  iterateAll(accounts.slice(0, 20), environments);
  log(`scheduling: planning, ${SCHEDULE_RUN.repeats} runs ...`);
  const planned: number[] = [];
  const baseline: number[] = [];
  let acting = 0;
  for (let r = 0; r < SCHEDULE_RUN.repeats; r++) {
    baseline.push(timeMs(() => iterateAll(accounts, environments)));
    planned.push(timeMs(() => (acting = planAll(accounts, environments))));
  }
  const cold = timeMs(() => planSchedule(accounts[0] as PlanAccount, environments, NOW + 60_000));
  return {
    id: 'scheduling-plan-100k',
    title: `Scheduler: plan decisions for ${instances.toLocaleString('en')} instances in ${SCHEDULE_RUN.accounts} accounts`,
    notes: [
      `data: ${SCHEDULE_RUN.groupsPerAccount} groups of 15 and 50 standalone instances per account, ${SCHEDULE_RUN.environments} environments with ` +
        `various settings, a third of the instances and a fifth of the groups tagged with one of ${SCHEDULES.length} schedules in 4 zones, ` +
        'one group per account scheduled as a whole, some environments overridden, in maintenance or ignoring group members',
      `at Wednesday 18:00 UTC ${acting.toLocaleString('en')} instances and groups get an action, the rest are skipped with a reason`,
      'plan = planSchedule per account (precedence, skip rules, override, decide, the reason text), one memo per pass as the job has it; ' +
        'baseline = the same walk over the same inputs, looking up each instance’s environment and group and making a record, without deciding',
      `figures are the median of ${SCHEDULE_RUN.repeats} runs, in one process, after a warm-up; inputs are in memory (Compute reads are not timed)`,
      `one account planned with a fresh memo (every schedule parsed and evaluated anew): ${cold.toFixed(2)} ms`,
    ],
    metrics: [
      { name: 'plan 100,000 instances', unit: 's', measured: median(planned) / 1000, max: SCHEDULE_RUN.targetS, baseline: median(baseline) / 1000 },
      { name: '  per 1,000 instances', unit: 'ms', measured: (median(planned) / instances) * 1000 },
    ],
  };
}
