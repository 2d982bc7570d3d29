import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTables } from '@envmgr/adapter-store-dynamodb';
import { dynamoDbLocalMissing, lockHolders, startDynamoDbLocal, type DynamoDbLocal } from '@envmgr/adapter-store-dynamodb/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServerProcess, waitFor, type ServerProcess } from './testing.js';

// Issue 9 item 4: two EM server processes on one DynamoDB (Local here) both serve the API and share sign-ins;
// the jobs run on the holder of the DynamoDB lock only, and when the holder dies (kill -9) the other takes over.
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BUILT = join(ROOT, 'apps/server/dist/main.js');
const PASSWORD = 'two-servers-password-1';
const PREFIX = 'ha-';
/** The driver's lease (packages/app deployments/driver.ts); the survivor must take over within it. */
const DRIVER_LEASE_MS = 15_000;
/** The scheduler's, set short here (ENVMGR_SCHEDULER_LEASE_MS) with a pass every second. */
const SCHEDULER_LEASE_MS = 4000;

const missing = dynamoDbLocalMissing() ?? (existsSync(BUILT) ? undefined : 'apps/server is not built (npx tsc -b)');
if (missing) console.warn(`two-servers.int.test.ts skipped: ${missing}`);

type Em = ServerProcess;

describe.skipIf(missing !== undefined)('two EM servers on one DynamoDB', () => {
  let local: DynamoDbLocal;
  let client: ReturnType<DynamoDbLocal['client']>;
  let dir: string;
  const ems: Em[] = [];

  const start = async (name: string): Promise<Em> => {
    const em = await spawnServerProcess({
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      ENVMGR_STORE: 'dynamodb',
      ENVMGR_AWS_REGION: 'eu-west-1',
      ENVMGR_DYNAMODB_ENDPOINT: local.endpoint,
      ENVMGR_TABLE_PREFIX: PREFIX,
      ENVMGR_DATA_DIR: join(dir, name),
      ENVMGR_PORT: '0',
      ENVMGR_REGISTRY_PORT: '0',
      ENVMGR_EDGE_PORT: 'off',
      ENVMGR_ADMIN_PASSWORD: PASSWORD,
      // both servers sign the same tokens, as servers behind one load balancer must
      ENVMGR_JWT_SECRET: 'a-shared-signing-secret-of-the-two-servers',
      ENVMGR_SCHEDULER: 'what-if',
      ENVMGR_SCHEDULER_INTERVAL_MS: '1000',
      ENVMGR_SCHEDULER_LEASE_MS: String(SCHEDULER_LEASE_MS),
      ENVMGR_DRIVER_INTERVAL_MS: '200',
      ENVMGR_LOG_LEVEL: 'warn',
    }, `server ${name}`);
    ems.push(em);
    return em;
  };

  /** The holder of each lock (a server's `envmgr-<pid>-...` name) whose lease has not run out. */
  const holders = () => lockHolders(client, { tablePrefix: PREFIX, nowMs: Date.now() });
  const pidOf = (holder: string | undefined) => Number(/^envmgr-(\d+)-/.exec(holder ?? '')?.[1]);

  beforeAll(async () => {
    local = await startDynamoDbLocal();
    client = local.client();
    await createTables({ client, tablePrefix: PREFIX });
    dir = await mkdtemp(join(tmpdir(), 'envmgr-ha-'));
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
    client?.destroy();
    await local?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('serves the API from both, runs the jobs on one, and moves them to the other when it dies', async () => {
    // the first server takes both job locks while it is alone, so the second must take both over when it dies
    const holder = await start('a');
    const lastSeen = () => ems.map((e) => e.output());
    const first = await waitFor('the first server to hold the driver and scheduler locks', async () => {
      const h = await holders();
      return pidOf(h['deployment-driver']) === holder.child.pid && pidOf(h['scheduler']) === holder.child.pid ? h : undefined;
    }, { lastSeen });
    const survivor = await start('b');
    const [a, b] = [holder, survivor];

    // a sign-in on one server is good on the other: users, tokens and the signing key are shared
    const signIn = await fetch(`${a.url}/api/v1/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
    expect(signIn.status).toBe(200);
    const { token } = (await signIn.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${b.url}/api/v1/config/clusters`, { method: 'POST', headers: auth, body: JSON.stringify({ ClusterName: 'Infra', Value: { ShortName: 'IN' } }) });
    expect(created.status).toBe(201);
    expect(await (await fetch(`${a.url}/api/v1/config/clusters/Infra`, { headers: auth })).json()).toMatchObject({ ClusterName: 'Infra', Version: 1 });

    // the jobs stay on the first server while it lives: the second's passes find the locks held
    await new Promise((r) => setTimeout(r, 2500));
    const still = await holders();
    expect([pidOf(still['deployment-driver']), pidOf(still['scheduler'])]).toEqual([a.child.pid, a.child.pid]);

    holder.child.kill('SIGKILL');
    const killedAt = Date.now();
    const takenOver = (lock: string, leaseMs: number) =>
      waitFor(`the other server to take the ${lock} lock over`, async () => {
        const h = (await holders())[lock];
        return pidOf(h) === survivor.child.pid ? Date.now() - killedAt : undefined;
      }, { timeoutMs: leaseMs + 10_000, intervalMs: 250, lastSeen: () => survivor.output() });
    const [schedulerAfterMs, driverAfterMs] = [await takenOver('scheduler', SCHEDULER_LEASE_MS), await takenOver('deployment-driver', DRIVER_LEASE_MS)];
    // within each lease (plus a pass): the killed holder never released them, so this is the leases running out
    expect(schedulerAfterMs).toBeLessThan(SCHEDULER_LEASE_MS + 3_000);
    expect(driverAfterMs).toBeLessThan(DRIVER_LEASE_MS + 5_000);
    expect((await holders())['deployment-driver']).not.toBe(first['deployment-driver']);

    // the survivor keeps serving, with the token the dead server issued
    expect((await fetch(`${survivor.url}/api/v1/config/clusters/Infra`, { headers: auth })).status).toBe(200);
  }, 120_000);
});
