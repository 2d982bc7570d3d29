import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MOTO_CHILDREN, MOTO_MISSING, hasMotoServer, motoAccountClients, motoCredentials, motoGroupMembers, prepareMotoAccount, startMotoServer, TEST_IMAGE, type MotoServer } from '@envmgr/adapter-aws/testing';
import { createBuiltinRegistry, startRegistryServer, type BuiltinRegistry, type RegistryServer } from '@envmgr/adapter-registry-builtin';
import { createDynamoDeploymentStore, createTables } from '@envmgr/adapter-store-dynamodb';
import { dynamoDbLocalMissing, lockHolders, startDynamoDbLocal, type DynamoDbLocal } from '@envmgr/adapter-store-dynamodb/testing';
import { nodeStatusKey, roleServiceKey, type Deployment } from '@envmgr/domain';
import { deploymentIndex } from '@envmgr/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServerProcess, waitFor, type ServerProcess } from './testing.js';

// Issue 9 item 4 with a deployment in flight: two EM server processes share DynamoDB Local (configuration, the
// deployments, the driver lock), one external registry (a built-in registry served by this test, standing in for
// Consul) and one compute (EC2 Auto Scaling on the moto server). The driver's holder carries a deployment to
// `deploying`, is killed with SIGKILL, and the other server takes the lock over within the lease and finishes it
// without doing any step again. The test plays the agents: node statuses and service registrations in the registry.
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BUILT = join(ROOT, 'apps/server/dist/main.js');
const PASSWORD = 'two-servers-password-1';
const PREFIX = 'hadep-';
const ACCOUNT = MOTO_CHILDREN[1];
const ENV = 'c77';
const SERVICE = 'Hello';
const GROUP = 'c77-in-Web';
/** Short, so that the takeover fits in the test; ENVMGR_DRIVER_LEASE_MS. */
const LEASE_MS = 3000;

const missing = dynamoDbLocalMissing() ?? (hasMotoServer() ? undefined : MOTO_MISSING) ?? (existsSync(BUILT) ? undefined : 'apps/server is not built (npx tsc -b apps/server)');
if (missing) console.warn(`two-servers-deployment.int.test.ts skipped: ${missing}`);

type Em = ServerProcess;

describe.skipIf(missing !== undefined)('two EM servers finish a deployment whose driver died', () => {
  let local: DynamoDbLocal;
  let client: ReturnType<DynamoDbLocal['client']>;
  let moto: MotoServer;
  let registry: BuiltinRegistry;
  let registryServer: RegistryServer;
  let dir: string;
  const ems: Em[] = [];

  const start = async (name: string): Promise<Em> => {
    const em = await spawnServerProcess({
      // one key pair for DynamoDB Local and moto (moto's default account is EM's master account)
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'moto',
      ENVMGR_STORE: 'dynamodb',
      ENVMGR_AWS_REGION: 'eu-west-1',
      ENVMGR_DYNAMODB_ENDPOINT: local.endpoint,
      ENVMGR_TABLE_PREFIX: PREFIX,
      ENVMGR_DATA_DIR: join(dir, name),
      ENVMGR_PORT: '0',
      ENVMGR_EDGE_PORT: 'off',
      ENVMGR_REGISTRY_URL: registryServer.url,
      ENVMGR_COMPUTE: 'aws',
      ENVMGR_AWS_ACCOUNTS: ACCOUNT,
      ENVMGR_COMPUTE_ENDPOINT: moto.endpoint,
      ENVMGR_AGENT_REGISTRY_URL: registryServer.url,
      ENVMGR_AGENT_SERVER_URL: 'https://envmgr.internal',
      ENVMGR_ADMIN_PASSWORD: PASSWORD,
      ENVMGR_JWT_SECRET: 'a-shared-signing-secret-of-the-two-servers',
      ENVMGR_DRIVER_INTERVAL_MS: '200',
      ENVMGR_DRIVER_LEASE_MS: String(LEASE_MS),
      ENVMGR_BACKUP: 'off',
      ENVMGR_LOG_LEVEL: 'warn',
    }, `server ${name}`);
    ems.push(em);
    return em;
  };

  const holders = () => lockHolders(client, { tablePrefix: PREFIX, nowMs: Date.now() });
  const pidOf = (holder: string | undefined) => Number(/^envmgr-(\d+)-/.exec(holder ?? '')?.[1]);
  const stored = async (id: string): Promise<Deployment> => {
    const store = createDynamoDeploymentStore({ client, indexOf: deploymentIndex, tablePrefix: PREFIX });
    const s = await store.get(id);
    await store.close();
    if (!s) throw new TypeError(`no deployment ${id} in DynamoDB`);
    return s.record;
  };
  /** The group's members as Auto Scaling itself reports them in the account. */
  const members = async () => (await motoGroupMembers(moto.endpoint, ACCOUNT, GROUP)).sort();
  /** What an agent does after installing: registers the service with a passing check, then reports Success. */
  const agentInstalls = async (d: { id: string }, instanceId: string) => {
    const node = registry.asNode({ name: instanceId, address: '10.0.0.1' });
    const service = `${ENV}-${SERVICE}`;
    await node.registerService({ id: service, name: service, tags: [`deployment_id:${d.id}`, 'version:1.0.0'], checks: [{ type: 'ttl', id: `${instanceId}-ok`, name: 'ok', ttlMs: 600_000 }] });
    await node.passCheck(`${instanceId}-ok`);
    const now = new Date().toISOString();
    await registry.kvPut(nodeStatusKey(d.id, instanceId), JSON.stringify({ Cause: 'Deployment', StartTime: now, EndTime: now, LastCompletedStage: 'Complete', Log: '', NumberOfAttempts: 1, Status: 'Success' }));
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'envmgr-hadep-'));
    [local, moto] = await Promise.all([startDynamoDbLocal(), startMotoServer({ asgFidelity: true })]);
    client = local.client();
    await createTables({ client, tablePrefix: PREFIX });
    const estate = motoCredentials(moto.endpoint);
    const account = motoAccountClients(moto.endpoint, ACCOUNT, estate.credentials);
    await prepareMotoAccount(account);
    account.destroy();
    estate.destroy();
    registry = createBuiltinRegistry({ path: join(dir, 'registry.db') });
    registryServer = await startRegistryServer({ registry, host: '127.0.0.1', port: 0 });
  }, 90_000);

  afterAll(async () => {
    for (const em of ems) {
      if (em.child.exitCode !== null || em.child.signalCode !== null) continue;
      const exited = new Promise((r) => em.child.once('exit', r));
      em.child.kill('SIGTERM');
      const timer = setTimeout(() => em.child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await registryServer?.close();
    await registry?.close();
    client?.destroy();
    await Promise.all([local?.stop(), moto?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it('the survivor takes the driver over within the lease and finishes the deployment; no step runs twice', async () => {
    // one after the other: the first start bootstraps the admin user and groups in the shared tables
    const a = await start('a');
    const b = await start('b');
    const first = await waitFor('a server to hold the driver lock', async () => (await holders())['deployment-driver'], { lastSeen: () => ems.map((e) => e.output()) });
    const holder = pidOf(first) === a.child.pid ? a : b;
    const survivor = holder === a ? b : a;
    expect([a.child.pid, b.child.pid]).toContain(pidOf(first));

    // configured and requested through the survivor's API: the holder's driver picks it up from DynamoDB
    const signIn = await fetch(`${survivor.url}/api/v1/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
    const { token } = (await signIn.json()) as { token: string };
    const api = (path: string, init: RequestInit = {}) => fetch(`${survivor.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) } });
    const config: [string, unknown][] = [
      ['clusters', { ClusterName: 'Infra', Value: { ShortName: 'IN', GroupEmailAddress: 'infra@example.com' } }],
      ['environment-types', { EnvironmentType: 'Cluster', Value: { SchemaVersion: 5, AWSAccountNumber: ACCOUNT } }],
      ['services', { ServiceName: SERVICE, OwningCluster: 'Infra', Value: { BluePort: 40100, GreenPort: 40101 } }],
      ['deployment-maps', { DeploymentMapName: 'Standard', Value: { DeploymentTarget: [{ ServerRoleName: 'Web', OwningCluster: 'Infra', ContactEmailTag: 'infra@example.com', AMI: TEST_IMAGE, InstanceType: 't3.small', AutoScalingSettings: { MinCapacity: 0, DesiredCapacity: 2, MaxCapacity: 2 }, Services: [{ ServiceName: SERVICE }] }] } }],
      ['environments', { EnvironmentName: ENV, Value: { EnvironmentType: 'Cluster', OwningCluster: 'Infra', DeploymentMap: 'Standard' } }],
    ];
    for (const [type, doc] of config) {
      const r = await api(`/api/v1/config/${type}`, { method: 'POST', body: JSON.stringify(doc) });
      expect(r.status, await r.text()).toBe(201);
    }
    const pkgDir = join(dir, 'pkg');
    await mkdir(pkgDir, { recursive: true });
    await writeFile(join(pkgDir, 'appspec.yml'), 'version: 0.0\nos: linux\n');
    execFileSync('zip', ['-q', '-X', join(dir, 'pkg.zip'), 'appspec.yml'], { cwd: pkgDir });
    const put = await api(`/api/v1/packages/${SERVICE}/1.0.0`, { method: 'PUT', headers: { 'content-type': 'application/zip' }, body: await readFile(join(dir, 'pkg.zip')) });
    expect(put.status, await put.text()).toBe(201);
    const requested = await api('/api/v1/deployments', { method: 'POST', body: JSON.stringify({ environment: ENV, service: SERVICE, version: '1.0.0' }) });
    expect(requested.status, await requested.clone().text()).toBe(202);
    const { id } = (await requested.json()) as { id: string };

    // the holder carries it to `deploying`: the group exists in the account and the role's target state is written
    const deploying = await waitFor('the holder to write the target state', async () => {
      const d = await stored(id);
      return d.state === 'deploying' ? d : undefined;
    }, { timeoutMs: 30_000, lastSeen: () => holder.output() });
    const roleKey = roleServiceKey(ENV, 'Web', SERVICE, 'none');
    const target = (await registry.kvGet(roleKey)).value;
    expect(JSON.parse(target?.value ?? '{}')).toMatchObject({ DeploymentId: id, Action: 'Install' });
    const before = await waitFor('the group to have its 2 members', async () => {
      const m = await members();
      return m.length === 2 ? m : undefined;
    }, { timeoutMs: 20_000 });
    const [firstInstance, secondInstance] = before as [string, string];
    // one agent reports before the holder dies, the other after
    await agentInstalls(deploying, firstInstance);
    await waitFor('the holder to see the first instance', async () => ((await stored(id)).nodes[firstInstance]?.status === 'Success' ? true : undefined), { timeoutMs: 15_000 });

    holder.child.kill('SIGKILL');
    const killedAt = Date.now();
    const next = await waitFor('the survivor to take the driver lock over', async () => {
      const h = (await holders())['deployment-driver'];
      return pidOf(h) === survivor.child.pid ? h : undefined;
    }, { timeoutMs: LEASE_MS + 10_000, intervalMs: 100, lastSeen: () => survivor.output() });
    // the dead holder never released the lock: this is its lease running out, plus at most a pass or two
    expect(Date.now() - killedAt).toBeLessThan(LEASE_MS + 2000);
    expect(next).not.toBe(first);

    await agentInstalls(deploying, secondInstance);
    const done = await waitFor('the survivor to finish the deployment', async () => {
      const d = await stored(id);
      return d.state === 'deploying' ? undefined : d;
    }, { timeoutMs: 20_000, lastSeen: () => survivor.output() });
    expect(done.state, done.reason).toBe('succeeded');
    const dto = (await (await api(`/api/v1/deployments/${id}`)).json()) as { status: string };
    expect(dto.status).toBe('succeeded');

    // nothing ran twice: one group, created before the kill, with the same members
    const groups = (await (await api(`/api/v1/asgs?environment=${ENV}`)).json()) as { name: string; createdTime: string }[];
    expect(groups.map((g) => g.name)).toEqual([GROUP]);
    expect(Date.parse(groups[0]?.createdTime ?? '')).toBeLessThan(killedAt);
    expect(await members()).toEqual(before);
    // each command once: the holder's run issued the group and the target state, the survivor's the end status
    const holderRun = new RegExp(`^envmgr-${holder.child.pid}-`);
    const survivorRun = new RegExp(`^envmgr-${survivor.child.pid}-`);
    expect(done.issued.createGroup).toMatchObject({ attempt: 1, runId: expect.stringMatching(holderRun) });
    expect(done.issued.writeTargetState).toMatchObject({ attempt: 1, runId: expect.stringMatching(holderRun) });
    expect(done.issued.writeOverallStatus).toMatchObject({ attempt: 1, runId: expect.stringMatching(survivorRun) });
    expect(done.log.filter((l) => /creating (group|it again)/.test(l))).toHaveLength(1);
    expect(done.log.filter((l) => /writing (the target state|it again)/.test(l))).toHaveLength(1);
    // the role key was written once: the survivor saw it holding the deployment and left it alone
    expect((await registry.kvGet(roleKey)).value?.modifyIndex).toBe(target?.modifyIndex);
    expect((await registry.kvGet(`deployments/${id}/overall_status`)).value?.value).toBe('Success');
  }, 90_000);
});
