import { describe, expect, it } from 'vitest';
import { createInProcessLock, createMemoryConfigStore } from '@envmgr/adapter-memory';
import { createMemoryBlobStore } from '@envmgr/ports/testing';
import { RefusedError } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';
import { aCluster, aDeploymentMap, anEnvironment, anEnvironmentType, aFixedClock, aService } from '@envmgr/test-support';
import type { RequestContext } from '../context.js';
import { createItem, updateItem } from '../config/write-items.js';
import { exportConfig } from '../config/export-config.js';
import type { BackupDeps } from './backup-deps.js';
import { backupNow } from './create-backup.js';
import { listBackups } from './list-backups.js';
import { restoreBackup } from './restore-backup.js';
import { createBackupJob, isBackupDue, parseTimeOfDay } from './backup-job.js';
import { chunksOf, manifestKey, readText, utf8Encode } from './backup-files.js';

const admin: RequestContext = { actor: { name: 'alice', kind: 'user', user: 'alice', permissions: [{ Resource: '**', Access: 'ADMIN' }] }, requestId: 'r1' };
const reader: RequestContext = { actor: { name: 'bob', kind: 'user', user: 'bob', permissions: [{ Resource: '/config/**', Access: 'PUT' }] }, requestId: 'r2' };
// a stand-in digest: the app layer only compares the blob store's checksum with its own
const hasher = { sha256: (t: string) => sha256Hex(t) };

function setup(store: ConfigStore = createMemoryConfigStore(), over: Partial<BackupDeps> = {}) {
  const clock = aFixedClock(Date.UTC(2026, 2, 1, 12));
  const deps: BackupDeps = { store, blobs: createMemoryBlobStore({ clock }), clock, hasher, retention: 3, ...over };
  return { deps, clock };
}

async function fill(deps: BackupDeps, n = 3): Promise<void> {
  const config = { store: deps.store, clock: deps.clock, hasher };
  await createItem(config, admin, 'clusters', aCluster());
  await createItem(config, admin, 'environment-types', anEnvironmentType());
  for (let i = 0; i < n; i++) await createItem(config, admin, 'services', aService(`Svc${i}`, [41000 + 2 * i, 41001 + 2 * i]));
  await createItem(config, admin, 'deployment-maps', aDeploymentMap('Standard', ['Svc0']));
  await createItem(config, admin, 'environments', anEnvironment());
  await updateItem(config, admin, { type: 'clusters', key: 'Infra', data: { ...aCluster(), Value: { ShortName: 'IF' } }, expectedVersion: 1 });
}

const exported = async (store: ConfigStore) => JSON.stringify(await exportConfig({ store }));

describe('backup and restore', () => {
  it('round-trips: fill, back up, wipe, restore gives the same export byte for byte', async () => {
    const { deps } = setup();
    await fill(deps);
    const { backup } = await backupNow(deps, admin);
    expect(backup).toMatchObject({ createdBy: 'alice', items: { services: 3, clusters: 1 }, auditRecords: 8, auditHeadSeq: 8 });
    expect((await readText(deps.blobs, backup.files.audit.key))?.trim().split('\n')).toHaveLength(8);
    const wiped = { ...deps, store: createMemoryConfigStore() };
    const dry = await restoreBackup(wiped, admin, { id: backup.id, dryRun: true });
    expect(dry.summary).toEqual({ create: 7, update: 0, delete: 0, unchanged: 0 });
    expect(await exported(wiped.store)).toBe(JSON.stringify(await exportConfig({ store: createMemoryConfigStore() })));
    const done = await restoreBackup(wiped, admin, { id: backup.id, dryRun: false });
    expect(done).toMatchObject({ dryRun: false, commits: 1 });
    expect(await exported(wiped.store)).toBe(await exported(deps.store));
    // again: nothing to do
    expect((await restoreBackup(wiped, admin, { id: backup.id, dryRun: false })).summary).toEqual({ create: 0, update: 0, delete: 0, unchanged: 7 });
  });

  it('restores in several commits when the store refuses one large transaction', async () => {
    const { deps } = setup();
    await fill(deps, 20);
    const { backup } = await backupNow(deps, admin);
    const target = limitedStore(createMemoryConfigStore(), 5);
    const done = await restoreBackup({ ...deps, store: target }, admin, { id: backup.id, dryRun: false });
    expect(done.commits).toBeGreaterThan(5);
    expect(await exported(target)).toBe(await exported(deps.store));
  });

  it('shows a dry-run diff against a changed store, and replace deletes what the backup lacks', async () => {
    const { deps } = setup();
    await fill(deps);
    const { backup } = await backupNow(deps, admin);
    const config = { store: deps.store, clock: deps.clock, hasher };
    await createItem(config, admin, 'clusters', aCluster('Web', { ShortName: 'WB' }));
    await updateItem(config, admin, { type: 'clusters', key: 'Infra', data: { ...aCluster(), Value: { ShortName: 'ZZ' } }, expectedVersion: 2 });
    const dry = await restoreBackup(deps, admin, { id: backup.id, dryRun: true });
    expect(dry.changes.filter((c) => c.op !== 'unchanged')).toEqual([
      { op: 'update', type: 'clusters', key: 'Infra', fromVersion: 3, toVersion: 4 },
      { op: 'delete', type: 'clusters', key: 'Web', fromVersion: 1 },
    ]);
    expect((await deps.store.get('clusters', 'Web'))?.version).toBe(1);
  });

  it('refuses a backup written by a newer server, with the reason, and one whose file does not match its checksum', async () => {
    const { deps } = setup();
    await fill(deps);
    const { backup } = await backupNow(deps, admin);
    await deps.blobs.put(manifestKey(backup.id), chunksOf(JSON.stringify({ ...backup, configFormatVersion: 2 })));
    const err = await restoreBackup(deps, admin, { id: backup.id, dryRun: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'unprocessable', code: 'backup-too-new', details: { configFormatVersion: 2, supportedConfigFormatVersion: 1 } });
    expect((err as Error).message).toMatch(/newer Environment Manager/);
    await deps.blobs.put(manifestKey(backup.id), chunksOf(JSON.stringify(backup)));
    await deps.blobs.put(backup.files.config.key, chunksOf('{"format":"envmgr-config","formatVersion":1,"items":{}}'));
    await expect(restoreBackup(deps, admin, { id: backup.id, dryRun: true })).rejects.toMatchObject({ code: 'corrupt-data' });
    await expect(restoreBackup(deps, admin, { id: '20990101T000000Z', dryRun: true })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('is for administrators only, and keeps the retention count, newest first', async () => {
    const { deps, clock } = setup();
    await expect(backupNow(deps, reader)).rejects.toMatchObject({ code: 'permission-denied' });
    await expect(listBackups(deps, reader)).rejects.toMatchObject({ code: 'permission-denied' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await backupNow(deps, admin)).backup.id);
      clock.advance(3_600_000);
    }
    expect((await listBackups(deps, admin)).map((b) => b.id)).toEqual(ids.slice(2).reverse());
    expect((await deps.blobs.list('backups/')).length).toBe(9);
  });

  it('gives two backups in one second distinct ids', async () => {
    const { deps } = setup();
    const a = await backupNow(deps, admin);
    const b = await backupNow(deps, admin);
    expect([a.backup.id, b.backup.id]).toEqual(['20260301T120000Z', '20260301T120000Z-2']);
  });
});

describe('the nightly backup job', () => {
  it('is due once the time of day has passed since the last backup', () => {
    const at3 = parseTimeOfDay('03:00') ?? -1;
    const day = Date.UTC(2026, 2, 1);
    expect(parseTimeOfDay('24:00')).toBeUndefined();
    expect(isBackupDue(day + 4 * 3_600_000, at3, day + 2 * 3_600_000)).toBe(true);
    expect(isBackupDue(day + 4 * 3_600_000, at3, day + 3.5 * 3_600_000)).toBe(false);
    expect(isBackupDue(day + 2 * 3_600_000, at3, day - 22 * 3_600_000)).toBe(true); // yesterday's 03:00 was missed
  });

  it('backs up at its time on the lock holder only, once per night', async () => {
    const { deps, clock } = setup();
    const lock = createInProcessLock({ clock });
    const job = createBackupJob(deps, { lock, holder: 'a', timeOfDayMs: parseTimeOfDay('13:00') ?? 0 });
    const other = createBackupJob(deps, { lock, holder: 'b', timeOfDayMs: parseTimeOfDay('13:00') ?? 0 });
    expect((await job.run()).ran).toBe(false);
    clock.advance(3_600_000);
    await lock.tryAcquire('backup', 'b', 60_000);
    expect((await job.run()).ran).toBe(false); // b holds the lock
    await lock.release('backup', 'b');
    const [x, y] = await Promise.all([job.run(), other.run()]);
    expect([x.ran, y.ran].filter(Boolean)).toHaveLength(1);
    expect((await job.run()).ran).toBe(false);
    clock.advance(86_400_000);
    expect((await other.run()).ran).toBe(true);
    expect(await listBackups(deps, admin)).toHaveLength(2);
  });
});

/** A store that refuses commits of more than `max` changes as too large, like DynamoDB's transaction limit. */
function limitedStore(store: ConfigStore, max: number): ConfigStore {
  return {
    ...store,
    commit: (changes, ctx) => {
      if (changes.length > max) return Promise.reject(new RefusedError('too-large', 'too-large', `${changes.length} changes`));
      return store.commit(changes, ctx);
    },
  };
}

/** SHA-256 (hex) of a string's UTF-8 bytes, in plain code: app tests run without node:crypto. */
function sha256Hex(text: string): string {
  const bytes = utf8Encode(text);
  const K = Array.from({ length: 64 }, (_, i) => {
    let n = 2;
    for (let found = -1; ; n++) if (isPrime(n) && ++found === i) break;
    return (Math.cbrt(n) * 2 ** 32) >>> 0;
  });
  const H = [2, 3, 5, 7, 11, 13, 17, 19].map((p) => (Math.sqrt(p) * 2 ** 32) >>> 0);
  const len = bytes.length;
  const padded = new Uint8Array(Math.ceil((len + 9) / 64) * 64);
  padded.set(bytes);
  padded[len] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor((len * 8) / 2 ** 32));
  view.setUint32(padded.length - 4, (len * 8) >>> 0);
  const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
  const w = new Array<number>(64);
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + i * 4);
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15] ?? 0;
      const b = w[i - 2] ?? 0;
      w[i] = ((w[i - 16] ?? 0) + (rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3)) + (w[i - 7] ?? 0) + (rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10))) >>> 0;
    }
    let [a, b, c, d, e, f, g, h] = H as [number, number, number, number, number, number, number, number];
    for (let i = 0; i < 64; i++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + (K[i] ?? 0) + (w[i] ?? 0)) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      [h, g, f, e, d, c, b, a] = [g, f, e, (d + t1) >>> 0, c, b, a, (t1 + t2) >>> 0];
    }
    [a, b, c, d, e, f, g, h].forEach((v, i) => (H[i] = ((H[i] ?? 0) + v) >>> 0));
  }
  return H.map((v) => v.toString(16).padStart(8, '0')).join('');
}

function isPrime(n: number): boolean {
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}
