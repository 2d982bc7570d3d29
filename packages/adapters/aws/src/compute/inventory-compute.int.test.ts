import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupSpec } from '@envmgr/ports';
import { hasMotoServer, MOTO_MISSING, startMotoServer, type MotoServer } from '../testing.js';
import { createAwsComputeEstate, type AwsComputeEstate } from './aws-compute-estate.js';
import { MOTO_CHILDREN, motoAccountClients, motoCredentials, prepareMotoAccount, TEST_IMAGE } from './moto-estate.js';

const HAS_MOTO = hasMotoServer();
if (!HAS_MOTO) console.warn(`inventory-compute.int.test.ts skipped: ${MOTO_MISSING}`);
const [CHILD_A, CHILD_B] = MOTO_CHILDREN;
const KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'moto' };

const spec = (name: string, environment: string): GroupSpec => ({
  name,
  tags: { EnvironmentType: 'Cluster', Environment: environment, OwningCluster: 'Infra', Role: 'Web' },
  size: { min: 0, desired: 1, max: 3 },
  launch: { image: TEST_IMAGE, instanceType: 't3.small', subnetType: 'PrivateApp', securityZone: 'Other', instanceProfile: 'roleInfraWeb', volumes: [] },
});

// The estate as the server uses it: accounts replaced while it runs, listings through the inventory, writes live.
describe.skipIf(!HAS_MOTO)('AWS compute estate with changing accounts, read through the inventory (moto)', () => {
  let moto: MotoServer;
  let estate: AwsComputeEstate;
  let target: string = CHILD_B;

  beforeAll(async () => {
    moto = await startMotoServer({ asgFidelity: true });
    const creds = motoCredentials(moto.endpoint);
    for (const account of [CHILD_A, CHILD_B]) {
      const c = motoAccountClients(moto.endpoint, account, creds.credentials);
      await prepareMotoAccount(c);
      c.destroy();
    }
    creds.destroy();
    estate = createAwsComputeEstate({
      region: 'eu-west-1', endpoint: moto.endpoint, credentials: KEYS, accounts: [CHILD_A],
      agent: { registryUrl: 'http://consul.internal:8500', serverUrl: 'https://envmgr.internal' },
      accountForGroup: () => Promise.resolve(target),
      inventoryBudget: { perSecond: 50 },
    });
  });
  afterAll(async () => {
    await estate?.close();
    await moto?.stop();
  });

  it('refuses account numbers that are not 12 digits, naming them and the fix, and keeps the accounts it had', () => {
    expect(() => estate.setAccounts([CHILD_A, '12345'])).toThrow("'12345' is not an AWS account number: use 12 digits each, leading zeros included");
    expect(estate.accounts().map((a) => a.number)).toEqual([CHILD_A]);
  });

  it('creates groups only in accounts it manages, and in a new one once it is added', async () => {
    await expect(estate.cachedCompute.createGroup(spec('c60-in-Web', 'c60'))).rejects.toThrow(`account ${CHILD_B} is not one EM manages`);
    estate.setAccounts([CHILD_A, { number: CHILD_B, roleArn: `arn:aws:iam::${CHILD_B}:role/roleInfraEnvironmentManagerChild` }]);
    expect(estate.accounts().map((a) => a.number)).toEqual([CHILD_A, CHILD_B]);
    await estate.cachedCompute.createGroup(spec('c60-in-Web', 'c60'));
    // the write refreshed the account it touched: the cached listing shows the group at once
    expect((await estate.cachedCompute.listGroups({ tagFilters: { Environment: 'c60' } })).map((g) => g.name)).toEqual(['c60-in-Web']);
    const fresh = Object.fromEntries(estate.inventory.freshness().map((f) => [f.account, f]));
    expect(fresh[CHILD_B]?.refreshedAtMs).toBeGreaterThan(0);
    expect(fresh[CHILD_B]?.lastRefreshCalls).toBeLessThanOrEqual(3);
  });

  it('answers listings from the cache, filtered as the live compute does, and shows writes after them', async () => {
    const live = await estate.compute.listInstances({ group: 'c60-in-Web' });
    const cached = await estate.cachedCompute.listInstances({ group: 'c60-in-Web' });
    expect(cached.map((i) => i.id)).toEqual(live.map((i) => i.id));
    expect(cached).toHaveLength(1);
    expect(await estate.cachedCompute.listInstances({ tagFilters: { Environment: 'nowhere' } })).toEqual([]);
    const before = estate.inventory.freshness().find((f) => f.account === CHILD_B)?.refreshedAtMs ?? 0;
    await estate.cachedCompute.setDesiredCapacity('c60-in-Web', 2);
    expect((await estate.cachedCompute.getGroup('c60-in-Web'))?.size.desired).toBe(2);
    expect(estate.inventory.freshness().find((f) => f.account === CHILD_B)?.refreshedAtMs ?? 0).toBeGreaterThanOrEqual(before);
    expect(estate.inventory.serversView('c60').groups.map((g) => g.account)).toEqual([CHILD_B]);
  });

  it('drops a removed account from listings and freshness', async () => {
    target = CHILD_A;
    estate.setAccounts([CHILD_A]);
    expect(await estate.cachedCompute.listGroups({ tagFilters: { Environment: 'c60' } })).toEqual([]);
    expect(estate.inventory.freshness().map((f) => f.account)).toEqual([CHILD_A]);
    expect(await estate.compute.getGroup('c60-in-Web')).toBeUndefined();
  });
});
