import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advance, DependencyUnavailableError, planDeployment, type DeploymentConfigView } from '@envmgr/domain';
import { hasMotoServer, MOTO_MISSING, startMotoServer, startRefusingStsProxy, type MotoServer } from '../testing.js';
import { createAwsCompute } from './aws-compute.js';
import { createComputeInventory } from './compute-inventory.js';
import { MOTO_CHILDREN, MOTO_MASTER, motoAccountClients, motoCredentials, prepareMotoAccount, TEST_IMAGE } from './moto-estate.js';
import { createMultiAccountCompute, type MultiAccountCompute } from './multi-account-compute.js';

const HAS_MOTO = hasMotoServer();
if (!HAS_MOTO) console.warn(`multi-account-compute.int.test.ts skipped: ${MOTO_MISSING}`);

const [CHILD_A, CHILD_B] = MOTO_CHILDREN;
/** A child whose role does not trust EM: STS refuses every AssumeRole into it. */
const BROKEN = '444444444444';
const REGISTRY = 'http://consul.internal:8500';

// Configuration as the deployment planner reads it: environment type `Cluster` lives in the second child account.
const DOCS: Record<string, Record<string, unknown>[]> = {
  environments: [{ EnvironmentName: 'c50', Value: { EnvironmentType: 'Cluster', OwningCluster: 'Infra', DeploymentMap: 'Std' } }],
  'environment-types': [{ EnvironmentType: 'Cluster', Value: { AWSAccountNumber: CHILD_B, DeploymentBucket: 'pkgs' } }],
  clusters: [{ ClusterName: 'Infra', Value: { ShortName: 'IN' } }],
  services: [{ ServiceName: 'Hello', OwningCluster: 'Infra', Value: {} }],
  'deployment-maps': [
    {
      DeploymentMapName: 'Std',
      Value: { DeploymentTarget: [{ ServerRoleName: 'Web', OwningCluster: 'Infra', ContactEmailTag: 'infra@example.com', AMI: TEST_IMAGE, InstanceType: 't3.medium', AutoScalingSettings: { MinCapacity: 0, DesiredCapacity: 2, MaxCapacity: 4 }, Services: [{ ServiceName: 'Hello' }] }] },
    },
  ],
};
const KEY_FIELD: Record<string, string> = { environments: 'EnvironmentName', 'environment-types': 'EnvironmentType', clusters: 'ClusterName', services: 'ServiceName', 'deployment-maps': 'DeploymentMapName' };
const config = {
  resolve: (type: string, key: string) => DOCS[type]?.find((d) => String(d[KEY_FIELD[type] ?? '']).toLowerCase() === key.toLowerCase()),
} as unknown as DeploymentConfigView;
const accountOfType = (type: string | undefined): string | undefined => {
  const doc = DOCS['environment-types']?.find((d) => d['EnvironmentType'] === type);
  return (doc?.['Value'] as { AWSAccountNumber?: string } | undefined)?.AWSAccountNumber;
};

describe.skipIf(!HAS_MOTO)('multi-account compute on moto (master + 2 children)', () => {
  let moto: MotoServer;
  let proxy: Awaited<ReturnType<typeof startRefusingStsProxy>>;
  let estate: ReturnType<typeof motoCredentials>;
  let clients: ReturnType<typeof motoAccountClients>[];
  let compute: MultiAccountCompute;
  const clientsOf = (account: string) => clients.find((c) => c.account === account)!;

  beforeAll(async () => {
    moto = await startMotoServer({ asgFidelity: true });
    proxy = await startRefusingStsProxy(moto.endpoint, BROKEN);
    estate = motoCredentials(proxy.endpoint);
    clients = [MOTO_MASTER, CHILD_A, CHILD_B, BROKEN].map((a) => motoAccountClients(moto.endpoint, a, estate.credentials));
    for (const c of clients.slice(0, 3)) await prepareMotoAccount(c);
    compute = createMultiAccountCompute({
      accounts: clients.map((c) => ({ account: c.account, compute: createAwsCompute({ clients: c, agent: { registryUrl: REGISTRY, serverUrl: 'https://envmgr.internal' } }) })),
      accountForGroup: (spec) => accountOfType(spec.tags['EnvironmentType']),
    });
  });
  afterAll(async () => {
    await compute?.close();
    for (const c of clients ?? []) c.destroy();
    estate?.destroy();
    await proxy?.close();
    await moto?.stop();
  });

  it("creates a deployment's group in its environment type's child account, named and tagged per SPEC §4", async () => {
    const planned = planDeployment({ environment: 'c50', service: 'Hello', version: '1.2.0' }, config, Date.now(), 'd1');
    if (!planned.ok) throw new Error(`the test configuration does not plan: ${JSON.stringify(planned)}`);
    const { commands } = advance(planned.deployment, { runId: 'r1', group: undefined, nodes: {}, health: {}, targetStatePresent: false }, Date.now());
    const create = commands.find((c) => c.kind === 'createGroup');
    expect(create).toMatchObject({ accountNumber: CHILD_B, spec: { name: 'c50-in-Web' } });
    if (create?.kind !== 'createGroup') return;
    await compute.createGroup(create.spec);

    const described = await clientsOf(CHILD_B).autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['c50-in-Web'] }));
    const asg = described.AutoScalingGroups?.[0];
    const tags = Object.fromEntries((asg?.Tags ?? []).filter((t) => t.PropagateAtLaunch).map((t) => [t.Key, t.Value]));
    expect(tags).toMatchObject({ EnvironmentType: 'Cluster', Environment: 'c50', OwningCluster: 'Infra', OwningClusterShortName: 'IN', Role: 'Web', ContactEmail: 'infra@example.com', Schedule: '' });
    expect(asg).toMatchObject({ DesiredCapacity: 2, LaunchTemplate: { LaunchTemplateName: 'LaunchConfig_c50-in-Web' } });
    for (const other of [MOTO_MASTER, CHILD_A]) {
      const elsewhere = await clientsOf(other).autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['c50-in-Web'] }));
      expect(elsewhere.AutoScalingGroups).toEqual([]);
    }
    const instances = await compute.listInstances({ group: 'c50-in-Web' });
    expect(instances).toHaveLength(2);
    for (const i of instances) expect(i).toMatchObject({ name: `c50-in-${i.id.slice(2)}`, tags: { Environment: 'c50', Role: 'Web' }, lifecycleState: 'InService' });
    expect(compute.accountOf(instances[0]!.id)).toBe(CHILD_B);

    const version = await clientsOf(CHILD_B).ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'LaunchConfig_c50-in-Web', Versions: ['$Latest'] }));
    const userData = Buffer.from(version.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.UserData ?? '', 'base64').toString('utf8');
    expect(userData).toContain(`ENVMGR_REGISTRY_URL="${REGISTRY}"`);
    expect(userData).toContain('EM_TAG_Environment="c50"');
    expect(userData).toContain('systemctl enable --now envmgr-agent');
  });

  it('routes operations on a named group to the account holding it', async () => {
    expect((await compute.setDesiredCapacity('c50-in-Web', 1)).size.desired).toBe(1);
    const asg = await clientsOf(CHILD_B).autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['c50-in-Web'] }));
    expect(asg.AutoScalingGroups?.[0]?.DesiredCapacity).toBe(1);
  });

  it("lists the other accounts when one child fails, and reports that child's failure", async () => {
    const groups = await compute.listGroups({ tagFilters: { Environment: 'c50' } });
    expect(groups.map((g) => g.name)).toEqual(['c50-in-Web']);
    const health = Object.fromEntries(compute.health().map((h) => [h.account, h]));
    expect(health[BROKEN]).toMatchObject({ ok: false, error: { code: 'account-role-refused', message: expect.stringContaining(BROKEN) } });
    for (const ok of [MOTO_MASTER, CHILD_A, CHILD_B]) expect(health[ok]?.ok).toBe(true);
  });

  it('cannot say a group is missing while an account is silent: unavailable, naming that account', async () => {
    const err: unknown = await compute.setDesiredCapacity('no-such-group', 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect((err as Error).message).toContain(BROKEN);
  });

  it('caches every account within its request budget, saying how fresh each is, with two calls per account', async () => {
    const inventory = createComputeInventory({ accounts: clients, budget: { perSecond: 5 } });
    await inventory.refresh();
    const fresh = Object.fromEntries(inventory.freshness().map((f) => [f.account, f]));
    expect(fresh[CHILD_B]).toMatchObject({ refreshedAtMs: expect.any(Number), ageMs: expect.any(Number), lastRefreshCalls: 2 });
    expect(fresh[CHILD_B]?.error).toBeUndefined();
    expect(fresh[BROKEN]).toMatchObject({ refreshedAtMs: undefined, error: { code: 'account-role-refused' } });
    const view = inventory.serversView('c50');
    expect(view.groups.map((g) => [g.account, g.group.name, g.counts])).toEqual([[CHILD_B, 'c50-in-Web', { running: 1 }]]);
    expect(view.accounts.map((a) => a.account)).toEqual([CHILD_B]);
  });

  it('refuses a group whose environment type names no account, creating nothing', async () => {
    const spec = { name: 'x01-in-Web', tags: { EnvironmentType: 'Nowhere' }, size: { min: 0, desired: 0, max: 1 }, launch: { image: TEST_IMAGE, instanceType: 't3.small', subnetType: 'PrivateApp', securityZone: 'Other', instanceProfile: 'p', volumes: [] } };
    await expect(compute.createGroup(spec)).rejects.toThrow(/set AWSAccountNumber on environment type 'Nowhere'/);
  });
});
