import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidStorageKeyError, PackageExistsError } from '@envmgr/domain';
import type { PackageRef, PackageStore } from './package-store.js';
import { body, failingBody, largeBody, pausedBody, readAll, readText, sha256Of } from './stream-fixtures.contract.js';

export interface PackageStoreFixture {
  store: PackageStore;
  dispose(): Promise<void>;
}

const hello = (version = '1.0.0', environment?: string): PackageRef => ({ service: 'Hello', version, ...(environment ? { environment } : {}) });
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The behaviour every PackageStore adapter shares. Call it from each adapter's `*.contract.test.ts`. */
export function packageStoreContract(name: string, setup: () => Promise<PackageStoreFixture>): void {
  describe(`PackageStore contract: ${name}`, () => {
    let f: PackageStoreFixture;
    let store: PackageStore;
    beforeEach(async () => {
      f = await setup();
      store = f.store;
    });
    afterEach(() => f.dispose());

    it('returns undefined for a missing package, and no versions for an unknown service', async () => {
      expect(await store.open(hello())).toBeUndefined();
      expect(await store.stat(hello())).toBeUndefined();
      expect(await store.listVersions('Hello')).toEqual([]);
    });

    it('stores a package and returns its sha256 and size; reads back the same bytes', async () => {
      const saved = await store.put(hello(), body('PK', '\u0003\u0004', 'rest of the zip'));
      const text = 'PK\u0003\u0004rest of the zip';
      expect(saved).toEqual({ sha256: sha256Of(text), sizeBytes: 19 });
      expect(await readText(await store.open(hello()))).toBe(text);
      const info = await store.stat(hello());
      expect(info).toMatchObject({ sha256: sha256Of(text), sizeBytes: 19 });
      expect(info?.storedAt).toMatch(ISO);
    });

    it('keeps every byte of a large package sent in many chunks', async () => {
      const big = largeBody(3 * 1024 * 1024 + 17);
      const saved = await store.put(hello(), big.body());
      expect(saved).toEqual({ sha256: sha256Of(big.bytes), sizeBytes: big.bytes.length });
      expect(sha256Of((await readAll(await store.open(hello()))) ?? new Uint8Array())).toBe(saved.sha256);
    });

    it('stores an empty package (the store keeps bytes; the use case judges them)', async () => {
      expect(await store.put(hello(), body())).toEqual({ sha256: sha256Of(''), sizeBytes: 0 });
      expect(await readText(await store.open(hello()))).toBe('');
    });

    it('refuses to overwrite a stored version and keeps the first bytes', async () => {
      await store.put(hello(), body('first'));
      const err = await store.put(hello(), body('second')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PackageExistsError);
      expect(err).toMatchObject({ kind: 'conflict', code: 'package-exists', details: { service: 'Hello', version: '1.0.0' } });
      expect(await readText(await store.open(hello()))).toBe('first');
      expect((await store.stat(hello()))?.sha256).toBe(sha256Of('first'));
    });

    it('lets exactly one of two racing uploads of the same version win', async () => {
      const results = await Promise.allSettled([store.put(hello(), body('a', 'a')), store.put(hello(), body('b', 'b'))]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]?.reason).toBeInstanceOf(PackageExistsError);
      const stored = await readText(await store.open(hello()));
      expect(['aa', 'bb']).toContain(stored);
      expect((await store.stat(hello()))?.sha256).toBe(sha256Of(stored ?? ''));
    });

    it('keeps a package for an environment apart from the one without', async () => {
      await store.put(hello('1.0.0'), body('generic'));
      await store.put(hello('1.0.0', 'c50'), body('for c50'));
      expect(await readText(await store.open(hello('1.0.0')))).toBe('generic');
      expect(await readText(await store.open(hello('1.0.0', 'c50')))).toBe('for c50');
      expect(await store.stat(hello('1.0.0', 'pr1'))).toBeUndefined();
      await expect(store.put(hello('1.0.0', 'c50'), body('again'))).rejects.toBeInstanceOf(PackageExistsError);
    });

    it('lists every version and environment of one service only, in order', async () => {
      await store.put(hello('1.1.0'), body('b'));
      await store.put(hello('1.0.0', 'c50'), body('c'));
      await store.put(hello('1.0.0'), body('a'));
      await store.put({ service: 'HelloWorld', version: '9.9.9' }, body('other service'));
      await store.put({ service: 'Hell', version: '0.0.1' }, body('a prefix of the name'));
      const list = await store.listVersions('Hello');
      expect(list.map((p) => [p.version, p.environment])).toEqual([
        ['1.0.0', undefined],
        ['1.0.0', 'c50'],
        ['1.1.0', undefined],
      ]);
      expect(list[1]).toMatchObject({ sha256: sha256Of('c'), sizeBytes: 1 });
      expect(list[1]?.storedAt).toMatch(ISO);
    });

    it('leaves nothing behind when the body fails, so the same version can be uploaded again', async () => {
      await expect(store.put(hello(), failingBody('PK', 'half'))).rejects.toThrow('the client went away');
      expect(await store.stat(hello())).toBeUndefined();
      expect(await store.open(hello())).toBeUndefined();
      expect(await store.listVersions('Hello')).toEqual([]);
      expect(await store.put(hello(), body('whole'))).toMatchObject({ sizeBytes: 5 });
    });

    it('never shows an upload before it completes', async () => {
      const upload = pausedBody('first half, ', 'second half');
      const putting = store.put(hello(), upload.body);
      await upload.started;
      expect(await store.stat(hello())).toBeUndefined();
      expect(await store.open(hello())).toBeUndefined();
      expect(await store.listVersions('Hello')).toEqual([]);
      upload.release();
      await putting;
      expect(await readText(await store.open(hello()))).toBe('first half, second half');
    });

    it.each([
      ['an empty service', { service: '', version: '1.0.0' }],
      ['a service of ..', { service: '..', version: '1.0.0' }],
      ['a version with a slash', { service: 'Hello', version: '1.0.0/../../x' }],
      ['a service with NUL', { service: 'He\u0000llo', version: '1.0.0' }],
      ['an environment with a backslash', { service: 'Hello', version: '1.0.0', environment: '..\\x' }],
      ['an absolute environment', { service: 'Hello', version: '1.0.0', environment: '/etc' }],
    ])('refuses %s before writing anything', async (_what, ref: PackageRef) => {
      await expect(store.put(ref, body('x'))).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(store.stat(ref)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(store.open(ref)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    });

    it('refuses an unsafe service name when listing', async () => {
      await expect(store.listVersions('../x')).rejects.toBeInstanceOf(InvalidStorageKeyError);
    });
  });
}
