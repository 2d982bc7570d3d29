import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupNow, createItem, exportConfig, listBackups, restoreBackup, type BackupDeps, type RequestContext } from '@envmgr/app';
import { createSqliteConfigStore } from '@envmgr/adapter-config-sqlite';
import { createFsBlobStore } from '@envmgr/adapter-packages-fs';
import { createDynamoConfigStore, createTables } from '@envmgr/adapter-store-dynamodb';
import { dynamoDbLocalMissing, startDynamoDbLocal, type DynamoDbLocal } from '@envmgr/adapter-store-dynamodb/testing';
import type { EntityType, JsonObject } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';
import { aCluster, aDeploymentMap, anEnvironment, anEnvironmentType, aNotificationSettings, aService, anUpstream } from '@envmgr/test-support';

const admin: RequestContext = { actor: { name: 'alice', kind: 'user', user: 'alice', permissions: [{ Resource: '**', Access: 'ADMIN' }] }, requestId: 'r1' };
const hasher = { sha256: (t: string) => createHash('sha256').update(t).digest('hex') };
const clock = { now: () => Date.now() };

/** 3 + 2n + 4 items: more than one DynamoDB transaction holds once n passes about 15. */
async function fill(store: ConfigStore, n: number): Promise<void> {
  const config = { store, clock, hasher };
  const items: [EntityType, JsonObject][] = [
    ['notification-settings', aNotificationSettings()],
    ['clusters', aCluster('Infra', { NotificationSettingsId: 'infra' })],
    ['environment-types', anEnvironmentType()],
    ...Array.from({ length: n }, (_, i): [EntityType, JsonObject] => ['services', aService(`Svc${String(i).padStart(3, '0')}`, [42000 + 2 * i, 42001 + 2 * i])]),
    ['deployment-maps', aDeploymentMap('Standard', ['Svc000', 'Svc001'])],
    ['environments', anEnvironment('c50', { DeploymentMap: 'Standard' })],
    ['upstreams', anUpstream('c50', 'Svc000', [42000, 42001])],
    ...Array.from({ length: n }, (_, i): [EntityType, JsonObject] => ['clusters', aCluster(`C${String(i).padStart(3, '0')}`, { ShortName: `X${i}` })]),
  ];
  for (const [type, data] of items) await createItem(config, admin, type, data);
}

async function roundTrip(source: ConfigStore, target: ConfigStore, dir: string): Promise<{ commits: number }> {
  const deps: BackupDeps = { store: source, blobs: createFsBlobStore({ root: join(dir, 'blobs') }), clock, hasher, retention: 2 };
  const { backup } = await backupNow(deps, admin);
  expect((await listBackups(deps, admin)).map((b) => b.id)).toEqual([backup.id]);
  const restored = await restoreBackup({ ...deps, store: target }, admin, { id: backup.id, dryRun: false });
  expect(JSON.stringify(await exportConfig({ store: target }))).toBe(JSON.stringify(await exportConfig({ store: source })));
  return { commits: restored.commits };
}

describe('backup, wipe, restore: the exports are identical', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'envmgr-backup-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('on SQLite, in one commit', async () => {
    const source = createSqliteConfigStore({ path: join(dir, 'source.db') });
    const target = createSqliteConfigStore({ path: join(dir, 'target.db') });
    await fill(source, 30);
    expect(await roundTrip(source, target, join(dir, 'sqlite'))).toEqual({ commits: 1 });
    await source.close();
    await target.close();
  });

  describe('on DynamoDB Local, in chunks', () => {
    const missing = dynamoDbLocalMissing();
    if (missing) console.warn(`skipping the DynamoDB backup round trip: ${missing}`);
    let local: DynamoDbLocal | undefined;
    beforeAll(async () => {
      if (!missing) local = await startDynamoDbLocal();
    }, 90_000);
    afterAll(() => local?.stop());

    it.skipIf(missing !== undefined)('restores an import larger than one transaction', async () => {
      if (!local) return;
      const client = local.client();
      await createTables({ client, tablePrefix: 'src-', only: ['config'] });
      await createTables({ client, tablePrefix: 'dst-', only: ['config'] });
      const source = createDynamoConfigStore({ client, tablePrefix: 'src-' });
      const target = createDynamoConfigStore({ client, tablePrefix: 'dst-' });
      await fill(source, 30);
      const { commits } = await roundTrip(source, target, join(dir, 'dynamo'));
      expect(commits).toBeGreaterThan(2);
      client.destroy();
    }, 180_000);
  });
});
