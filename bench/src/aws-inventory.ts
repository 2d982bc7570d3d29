import { performance } from 'node:perf_hooks';
import { createComputeInventory, type AwsClients } from '@envmgr/adapter-aws';
import { BenchFailure, median, type BenchTable } from './report.js';

/** Issue 11's target: the environment servers view of 50 accounts × 1,000 instances from the cache in at most 100 ms. */
export const INVENTORY_RUN = { accounts: 50, instancesPerAccount: 1000, groupsPerAccount: 50, environmentsPerAccount: 10, repeats: 15, targetMs: 100, perSecond: 10 } as const;

interface Command {
  constructor: { name: string };
  input: { MaxRecords?: number; MaxResults?: number; NextToken?: string };
}

const tag = (Key: string, Value: string) => ({ Key, Value });

/**
 * One account as EC2 and Auto Scaling describe it, paged as they page (100 groups, 1,000 instances a call): 50
 * groups of 20 members across 10 environments, a few members in Standby or stopped. In-process, so that the
 * measurement is EM's work and the call count is exactly what AWS would be asked.
 */
function syntheticAccount(a: number): AwsClients & { calls: () => number } {
  const account = String(100000000000 + a);
  const per = INVENTORY_RUN.instancesPerAccount / INVENTORY_RUN.groupsPerAccount;
  const groups = Array.from({ length: INVENTORY_RUN.groupsPerAccount }, (_, g) => {
    const env = `e${a}x${g % INVENTORY_RUN.environmentsPerAccount}`;
    const name = `${env}-in-Role${g}`;
    const ids = Array.from({ length: per }, (_, k) => `i-${(a * 1_000_000 + g * 1000 + k).toString(16).padStart(17, '0')}`);
    return {
      AutoScalingGroupName: name, MinSize: 0, MaxSize: per * 2, DesiredCapacity: per, CreatedTime: new Date(0),
      Tags: [tag('Environment', env), tag('Role', `Role${g}`), tag('envmgr:group', name)].map((t) => ({ ...t, PropagateAtLaunch: true })),
      SuspendedProcesses: [],
      Instances: ids.map((InstanceId, k) => ({ InstanceId, LifecycleState: k === 0 ? 'Standby' : 'InService', HealthStatus: 'Healthy' })),
      env,
    };
  });
  const instances = groups.flatMap((g) =>
    (g.Instances ?? []).map((m, k) => ({
      InstanceId: m.InstanceId, State: { Name: k === 0 && g.AutoScalingGroupName.endsWith('0') ? 'stopped' : 'running' }, PrivateIpAddress: '10.0.0.1', LaunchTime: new Date(1_700_000_000_000 + k),
      Tags: [tag('Environment', g.env), tag('Role', g.AutoScalingGroupName), tag('Name', `${g.env}-in-${m.InstanceId.slice(2)}`), tag('envmgr:group', g.AutoScalingGroupName)],
    })),
  );
  let calls = 0;
  const page = <T>(items: T[], size: number, token: string | undefined) => {
    const from = Number(token ?? 0);
    return { items: items.slice(from, from + size), next: from + size < items.length ? String(from + size) : undefined };
  };
  const send = async (cmd: Command): Promise<unknown> => {
    calls += 1;
    if (cmd.constructor.name === 'DescribeAutoScalingGroupsCommand') {
      const p = page(groups, Math.min(cmd.input.MaxRecords ?? 50, 100), cmd.input.NextToken);
      return { AutoScalingGroups: p.items, NextToken: p.next };
    }
    if (cmd.constructor.name === 'DescribeInstancesCommand') {
      const p = page(instances, Math.min(cmd.input.MaxResults ?? 1000, 1000), cmd.input.NextToken);
      return { Reservations: [{ Instances: p.items }], NextToken: p.next };
    }
    throw new BenchFailure(`the synthetic account does not answer ${cmd.constructor.name}`);
  };
  const client = { send } as unknown as AwsClients['ec2'] & AwsClients['autoScaling'];
  return { account, ec2: client, autoScaling: client, calls: () => calls };
}

/**
 * Refreshes the inventory of 50 synthetic accounts within a per-account budget, then times the servers view of one
 * environment and of the whole estate from the cache. Baseline: the same view computed without the cache's grouping
 * (a filter over every instance of every account per group), as a naive reader would.
 */
export async function awsInventoryBenchmark(log: (line: string) => void): Promise<BenchTable> {
  const accounts = Array.from({ length: INVENTORY_RUN.accounts }, (_, a) => syntheticAccount(a));
  const inventory = createComputeInventory({ accounts, budget: { perSecond: INVENTORY_RUN.perSecond } });
  log(`aws-inventory: refreshing ${INVENTORY_RUN.accounts} accounts × ${INVENTORY_RUN.instancesPerAccount} instances at ${INVENTORY_RUN.perSecond} calls/s per account`);
  const t0 = performance.now();
  await inventory.refresh();
  const refreshMs = performance.now() - t0;
  const calls = accounts.reduce((n, a) => n + a.calls(), 0);
  const naive = INVENTORY_RUN.accounts * INVENTORY_RUN.instancesPerAccount;
  const one: number[] = [];
  const all: number[] = [];
  const baseline: number[] = [];
  let shown = 0;
  for (let r = 0; r < INVENTORY_RUN.repeats; r++) {
    let t = performance.now();
    shown = inventory.serversView('e7x3').groups.reduce((n, g) => n + g.instances.length, 0);
    one.push(performance.now() - t);
    t = performance.now();
    inventory.serversView();
    all.push(performance.now() - t);
    t = performance.now();
    const snap = [...inventory.snapshot().values()];
    for (const s of snap) for (const g of s.groups) void s.instances.filter((i) => i.group === g.name).length;
    baseline.push(performance.now() - t);
  }
  const staleness = Math.max(...inventory.freshness().map((f) => f.ageMs ?? Number.POSITIVE_INFINITY));
  return {
    id: 'aws-inventory',
    title: `Servers view from the inventory cache: ${INVENTORY_RUN.accounts} accounts × ${INVENTORY_RUN.instancesPerAccount} instances`,
    notes: [
      `a refresh made ${calls} AWS calls (${calls / INVENTORY_RUN.accounts} per account: DescribeAutoScalingGroups by 100 groups, DescribeInstances by 1,000 instances); one call per instance would be ${naive}`,
      `budget ${INVENTORY_RUN.perSecond} calls/s per account, all accounts at once: refresh took ${refreshMs.toFixed(0)} ms in-process (no network); the oldest account's data was ${staleness.toFixed(0)} ms old when viewed`,
      `one environment's view held ${shown} instances; baseline: grouping the cached instances per group by scanning, without the view's index`,
    ],
    metrics: [
      { name: 'servers view, whole estate', unit: 'ms', measured: median(all), max: INVENTORY_RUN.targetMs, baseline: median(baseline) },
      { name: 'servers view, one environment', unit: 'ms', measured: median(one), max: INVENTORY_RUN.targetMs },
      { name: 'AWS calls per refresh', unit: '', measured: calls, max: naive, baseline: naive },
    ],
  };
}
