import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasMotoServer, MOTO_CHILDREN, MOTO_MASTER, MOTO_MISSING, motoAccountClients, motoGroupMembers, motoCredentials, prepareMotoAccount, startMotoServer, TEST_IMAGE, type MotoServer } from '@envmgr/adapter-aws/testing';
import { startServer, type RunningServer } from './testing.js';

const HAS_MOTO = hasMotoServer();
if (!HAS_MOTO) console.warn(`aws-compute.int.test.ts skipped: ${MOTO_MISSING}`);
const [CHILD_A, CHILD_B] = MOTO_CHILDREN;
const json = { 'content-type': 'application/json' };

// EM composed with ENVMGR_COMPUTE=aws against one moto server standing in for EC2, Auto Scaling and STS.
describe.skipIf(!HAS_MOTO)('server with AWS compute (moto)', () => {
  let moto: MotoServer;
  let s: RunningServer;
  const saved = { id: process.env['AWS_ACCESS_KEY_ID'], secret: process.env['AWS_SECRET_ACCESS_KEY'] };
  beforeAll(async () => {
    moto = await startMotoServer({ asgFidelity: true });
    // the SDK's default chain gives EM its (master) credentials, as an instance profile would
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIAIOSFODNN7EXAMPLE';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'moto';
    const estate = motoCredentials(moto.endpoint);
    const child = motoAccountClients(moto.endpoint, CHILD_B, estate.credentials);
    await prepareMotoAccount(child);
    child.destroy();
    estate.destroy();
    s = await startServer({
      env: {
        ENVMGR_COMPUTE: 'aws',
        ENVMGR_AWS_REGION: 'eu-west-1',
        ENVMGR_COMPUTE_ENDPOINT: moto.endpoint,
        ENVMGR_AGENT_REGISTRY_URL: 'http://consul.internal:8500',
        ENVMGR_AGENT_SERVER_URL: 'https://envmgr.internal',
      },
    });
  });
  afterAll(async () => {
    await s?.stop();
    await moto?.stop();
    if (saved.id === undefined) delete process.env['AWS_ACCESS_KEY_ID'];
    else process.env['AWS_ACCESS_KEY_ID'] = saved.id;
    if (saved.secret === undefined) delete process.env['AWS_SECRET_ACCESS_KEY'];
    else process.env['AWS_SECRET_ACCESS_KEY'] = saved.secret;
  });

  const post = async (type: string, body: unknown) => {
    const r = await s.fetch(`/api/v1/config/${type}`, { method: 'POST', headers: json, body: JSON.stringify(body) });
    expect(r.status, await r.clone().text()).toBe(201);
  };
  const managed = () => (s.server.awsCompute?.accounts() ?? []).map((a) => a.number);

  it('manages the registered accounts EM deploys into, following their changes, and refuses a bad account number', async () => {
    expect(managed()).toEqual([]);
    await post('accounts', { AccountName: 'master', AccountNumber: MOTO_MASTER, Purpose: 'shared-services' });
    await post('accounts', { AccountName: 'dev', AccountNumber: CHILD_A, Purpose: 'application', Stage: 'dev', OrganizationalUnit: 'travel' });
    await post('accounts', { AccountName: 'logs', AccountNumber: '000000000002', Purpose: 'logs' });
    const bad = await s.fetch('/api/v1/config/accounts', { method: 'POST', headers: json, body: JSON.stringify({ AccountName: 'x', AccountNumber: '12345' }) });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('exactly 12 digits, leading zeros included');
    await s.server.awsInventory?.syncAccounts();
    // the logs account hosts nothing of EM's
    expect(managed().sort()).toEqual([MOTO_MASTER, CHILD_A].sort());
    await post('accounts', { AccountName: 'sandbox', AccountNumber: CHILD_B, Purpose: 'sandbox', RoleArn: `arn:aws:iam::${CHILD_B}:role/roleInfraEnvironmentManagerChild` });
    await s.server.awsInventory?.syncAccounts();
    expect(managed().sort()).toEqual([MOTO_MASTER, CHILD_A, CHILD_B].sort());
  });

  it("creates groups in the environment type's account and lists their instances over the API", async () => {
    await post('environment-types', { EnvironmentType: 'Cluster', Value: { SchemaVersion: 5, AWSAccountNumber: CHILD_B } });
    const tags = { EnvironmentType: 'Cluster', Environment: 'c77', OwningCluster: 'Infra', Role: 'Web', ContactEmail: 'infra@example.com' };
    const launch = { image: TEST_IMAGE, instanceType: 't3.small', subnetType: 'PrivateApp', securityZone: 'Other', instanceProfile: 'roleInfraWeb', volumes: [] };
    // the call the deployment driver's provisioning step makes
    await s.server.compute.createGroup({ name: 'c77-in-Web', tags, size: { min: 0, desired: 1, max: 2 }, launch, instanceNamePrefix: 'c77-in' });

    const members = await motoGroupMembers(moto.endpoint, CHILD_B, 'c77-in-Web');
    expect(members).toHaveLength(1);
    expect(await motoGroupMembers(moto.endpoint, CHILD_A, 'c77-in-Web')).toEqual([]);

    const r = await s.fetch('/api/v1/instances?environment=c77');
    expect(r.status).toBe(200);
    const instances = (await r.json()) as { id?: string; InstanceId?: string }[];
    expect(instances).toHaveLength(1);
    expect(JSON.stringify(instances[0])).toContain(members[0]);
    expect(s.server.awsCompute?.compute.accountOf('c77-in-Web')).toBe(CHILD_B);
  });

  it("shows the environment's servers from the inventory, with how fresh each account's data is", async () => {
    await post('clusters', { ClusterName: 'Infra', Value: { ShortName: 'IN' } });
    await post('environments', { EnvironmentName: 'c77', Value: { EnvironmentType: 'Cluster', OwningCluster: 'Infra' } });
    const r = await s.fetch('/api/v1/environments/c77/servers');
    expect(r.status).toBe(200);
    const view = (await r.json()) as { groups: { name: string; instances: unknown[] }[]; accounts: { account: string; refreshedAt?: string; ageMs?: number; lastError?: unknown }[] };
    expect(view.groups.map((g) => g.name)).toEqual(['c77-in-Web']);
    expect(view.groups[0]?.instances).toHaveLength(1);
    expect(view.accounts.map((a) => a.account).sort()).toEqual([MOTO_MASTER, CHILD_A, CHILD_B].sort());
    for (const a of view.accounts) {
      expect(Date.parse(a.refreshedAt ?? '')).toBeGreaterThan(0);
      expect(a.ageMs).toBeGreaterThanOrEqual(0);
      expect(a.lastError).toBeUndefined();
    }
  });
});
