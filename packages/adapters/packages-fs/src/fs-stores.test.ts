import { mkdtemp, readdir, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidStorageKeyError } from '@envmgr/domain';
import { createFsBlobStore } from './fs-blob-store.js';
import { createFsPackageStore } from './fs-package-store.js';

async function* body(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield new TextEncoder().encode(p);
}
async function* cutOff(): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode('PK half');
  throw new TypeError('connection reset');
}

/** Every file under `dir`, relative, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('fs package store on disk', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'envmgr-pkg-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('lays packages out as SPEC §4 names them, each with a sha256sum file', async () => {
    const store = createFsPackageStore({ root });
    const { sha256 } = await store.put({ service: 'Search', version: '1.2.3' }, body('zip'));
    await store.put({ service: 'Search', version: '1.2.3', environment: 'c50' }, body('zip for c50'));
    expect(await filesUnder(root)).toEqual([
      'Search/1.2.3/Search-1.2.3.zip',
      'Search/1.2.3/Search-1.2.3.zip.sha256',
      'Search/1.2.3/c50/Search-1.2.3-c50.zip',
      'Search/1.2.3/c50/Search-1.2.3-c50.zip.sha256',
    ]);
    expect(await readFile(join(root, 'Search/1.2.3/Search-1.2.3.zip.sha256'), 'utf8')).toBe(`${sha256}  Search-1.2.3.zip\n`);
  });

  it('leaves no staging file behind after a cut-off upload', async () => {
    const store = createFsPackageStore({ root });
    await expect(store.put({ service: 'Search', version: '1.2.3' }, cutOff())).rejects.toThrow('connection reset');
    expect(await filesUnder(root)).toEqual([]);
  });

  it('recomputes a lost checksum file from the package', async () => {
    const store = createFsPackageStore({ root });
    const ref = { service: 'Search', version: '1.2.3' };
    const { sha256 } = await store.put(ref, body('zip'));
    await unlink(join(root, 'Search/1.2.3/Search-1.2.3.zip.sha256'));
    expect((await store.stat(ref))?.sha256).toBe(sha256);
    expect(await readFile(join(root, 'Search/1.2.3/Search-1.2.3.zip.sha256'), 'utf8')).toBe(`${sha256}  Search-1.2.3.zip\n`);
  });

  it('ignores a checksum file that names another file or is malformed', async () => {
    const store = createFsPackageStore({ root });
    const ref = { service: 'Search', version: '1.2.3' };
    const { sha256 } = await store.put(ref, body('zip'));
    await writeFile(join(root, 'Search/1.2.3/Search-1.2.3.zip.sha256'), `${'0'.repeat(64)}  other.zip\n`);
    expect((await store.stat(ref))?.sha256).toBe(sha256);
  });

  it('refuses an existing package even from a second store on the same folder (another process)', async () => {
    const a = createFsPackageStore({ root });
    const b = createFsPackageStore({ root });
    const ref = { service: 'Search', version: '1.2.3' };
    const results = await Promise.allSettled([a.put(ref, body('a')), b.put(ref, body('b'))]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await filesUnder(root)).filter((f) => f.includes('.staging'))).toEqual([]);
  });
});

describe('fs blob store on disk', () => {
  let root: string;
  let outside: string;
  beforeEach(async () => {
    outside = await mkdtemp(join(tmpdir(), 'envmgr-outside-'));
    root = join(outside, 'blobs');
  });
  afterEach(() => rm(outside, { recursive: true, force: true }));

  it('stores a key as the file of the same path', async () => {
    const store = createFsBlobStore({ root });
    await store.put('logs/c50/x.log', body('hello'));
    expect(await readFile(join(root, 'logs/c50/x.log'), 'utf8')).toBe('hello');
  });

  it('never writes outside its root, whatever the key', async () => {
    const store = createFsBlobStore({ root });
    for (const key of ['../escape', 'a/../../escape', '/tmp/escape', 'a\\..\\..\\escape', 'a\u0000b']) {
      await expect(store.put(key, body('x'))).rejects.toBeInstanceOf(InvalidStorageKeyError);
    }
    expect(await readdir(outside)).toEqual([]);
  });

  it('does not follow or list a symbolic link planted in its folder', async () => {
    const store = createFsBlobStore({ root });
    await store.put('logs/a.log', body('a'));
    await writeFile(join(outside, 'secret'), 'secret');
    await symlink(join(outside, 'secret'), join(root, 'logs', 'link.log'));
    await symlink(outside, join(root, 'logs', 'dir'));
    expect((await store.list('')).map((b) => b.key)).toEqual(['logs/a.log']);
  });

  it('refuses a key that is the folder of other keys, and a key below a blob', async () => {
    const store = createFsBlobStore({ root });
    await store.put('logs/a/b', body('b'));
    await expect(store.put('logs/a', body('a'))).rejects.toBeInstanceOf(InvalidStorageKeyError);
    await expect(store.put('logs/a/b/c', body('c'))).rejects.toBeInstanceOf(InvalidStorageKeyError);
    expect((await store.list('')).map((b) => b.key)).toEqual(['logs/a/b']);
    expect(await filesUnder(join(root, '.staging'))).toEqual([]);
  });

  it('leaves no staging file behind after a cut-off upload', async () => {
    const store = createFsBlobStore({ root });
    await expect(store.put('logs/x.log', cutOff())).rejects.toThrow('connection reset');
    expect(await filesUnder(root)).toEqual([]);
  });
});
