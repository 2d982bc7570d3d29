import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidStorageKeyError } from '@envmgr/domain';
import type { BlobStore } from './blob-store.js';
import { body, failingBody, largeBody, pausedBody, readAll, readText, sha256Of } from './stream-fixtures.contract.js';

export interface BlobStoreFixture {
  store: BlobStore;
  dispose(): Promise<void>;
}

const LOG = 'logs/c50/c50-Hello/deployment-i-0abc-42.log';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The behaviour every BlobStore adapter shares. Call it from each adapter's `*.contract.test.ts`. */
export function blobStoreContract(name: string, setup: () => Promise<BlobStoreFixture>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let f: BlobStoreFixture;
    let store: BlobStore;
    beforeEach(async () => {
      f = await setup();
      store = f.store;
    });
    afterEach(() => f.dispose());

    it('returns undefined for a missing blob; deleting it says false; an empty store lists nothing', async () => {
      expect(await store.open(LOG)).toBeUndefined();
      expect(await store.stat(LOG)).toBeUndefined();
      expect(await store.delete(LOG)).toBe(false);
      expect(await store.list('')).toEqual([]);
    });

    it('stores a blob and reads back the same bytes, size and time', async () => {
      expect(await store.put(LOG, body('line 1\n', 'line 2\n'))).toEqual({ sha256: sha256Of('line 1\nline 2\n'), sizeBytes: 14 });
      expect(await readText(await store.open(LOG))).toBe('line 1\nline 2\n');
      const info = await store.stat(LOG);
      expect(info).toMatchObject({ key: LOG, sizeBytes: 14 });
      expect(info?.storedAt).toMatch(ISO);
    });

    it('keeps every byte of a large blob sent in many chunks', async () => {
      const big = largeBody(2 * 1024 * 1024 + 3, 10_000);
      expect((await store.put('backups/b1', big.body())).sha256).toBe(sha256Of(big.bytes));
      expect(sha256Of((await readAll(await store.open('backups/b1'))) ?? new Uint8Array())).toBe(sha256Of(big.bytes));
    });

    it('replaces a blob', async () => {
      await store.put(LOG, body('old'));
      await store.put(LOG, body('new and longer'));
      expect(await readText(await store.open(LOG))).toBe('new and longer');
      expect((await store.stat(LOG))?.sizeBytes).toBe(14);
      expect(await store.list('logs/')).toHaveLength(1);
    });

    it('keeps the old bytes when a replacing body fails, and stores nothing for a new key', async () => {
      await store.put(LOG, body('old'));
      await expect(store.put(LOG, failingBody('half of the new'))).rejects.toThrow('the client went away');
      expect(await readText(await store.open(LOG))).toBe('old');
      await expect(store.put('logs/other.log', failingBody('half'))).rejects.toThrow('the client went away');
      expect(await store.stat('logs/other.log')).toBeUndefined();
      expect((await store.list('')).map((b) => b.key)).toEqual([LOG]);
    });

    it('shows the old bytes, never a part, while a replacement is being written', async () => {
      await store.put(LOG, body('old'));
      const upload = pausedBody('new first half, ', 'new second half');
      const putting = store.put(LOG, upload.body);
      await upload.started;
      expect(await readText(await store.open(LOG))).toBe('old');
      expect((await store.list('')).map((b) => [b.key, b.sizeBytes])).toEqual([[LOG, 3]]);
      upload.release();
      await putting;
      expect(await readText(await store.open(LOG))).toBe('new first half, new second half');
    });

    it('lists by plain string prefix, in key order', async () => {
      for (const key of ['logs/c50/b.log', 'logs/c50/a.log', 'logs/c5/x.log', 'logs/pr1/a.log', 'backups/2024.json', 'logs-old/z']) {
        await store.put(key, body(key));
      }
      const keys = async (prefix: string) => (await store.list(prefix)).map((b) => b.key);
      expect(await keys('logs/c50/')).toEqual(['logs/c50/a.log', 'logs/c50/b.log']);
      expect(await keys('logs/c5')).toEqual(['logs/c5/x.log', 'logs/c50/a.log', 'logs/c50/b.log']);
      expect(await keys('logs')).toEqual(['logs-old/z', 'logs/c5/x.log', 'logs/c50/a.log', 'logs/c50/b.log', 'logs/pr1/a.log']);
      expect(await keys('logs/c50/a.log')).toEqual(['logs/c50/a.log']);
      expect(await keys('nothing/')).toEqual([]);
      expect(await keys('')).toHaveLength(6);
      const one = (await store.list('backups/'))[0];
      expect(one).toMatchObject({ key: 'backups/2024.json', sizeBytes: 17 });
      expect(one?.storedAt).toMatch(ISO);
    });

    it('deletes a blob', async () => {
      await store.put(LOG, body('x'));
      await store.put('logs/c50/keep.log', body('y'));
      expect(await store.delete(LOG)).toBe(true);
      expect(await store.open(LOG)).toBeUndefined();
      expect((await store.list('logs/')).map((b) => b.key)).toEqual(['logs/c50/keep.log']);
    });

    it.each([
      ['empty', ''],
      ['absolute', '/etc/passwd'],
      ['a parent part', 'logs/../../etc/passwd'],
      ['only ..', '..'],
      ['a . part', 'logs/./x'],
      ['a hidden part', 'logs/.staging/x'],
      ['an empty part', 'logs//x'],
      ['a trailing slash', 'logs/'],
      ['a NUL', 'logs/x\u0000.log'],
      ['a newline', 'logs/x\n.log'],
      ['a backslash', 'logs\\..\\x'],
      ['too long', `logs/${'x'.repeat(1100)}`],
    ])('refuses a key that is %s', async (_what, key) => {
      await expect(store.put(key, body('x'))).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(store.open(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(store.stat(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      expect(await store.list('')).toEqual([]);
    });

    it.each(['/logs', '../', 'logs/../', 'logs//', 'a\u0000'])('refuses the list prefix %j', async (prefix) => {
      await expect(store.list(prefix)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    });
  });
}
