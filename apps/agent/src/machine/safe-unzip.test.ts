import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '@envmgr/domain';
import { entryTarget, unzipSafely } from './safe-unzip.js';

interface ZipEntry {
  name: string;
  data?: string;
  /** Unix mode including the file type bits, e.g. 0o100755 or 0o120777 for a link. */
  mode?: number;
}

/**
 * A zip with stored (uncompressed) entries, written by hand so that a test can hold names no zip tool would
 * write (`../x`, `/etc/x`, links).
 */
function storedZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const data = Buffer.from(e.data ?? '', 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    central.writeUInt16LE(10, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.mode ?? (e.name.endsWith('/') ? 0o40755 : 0o100644)) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

describe('unzipSafely', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-unzip-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function unzip(entries: ZipEntry[]) {
    const zip = join(dir, 'p.zip');
    await writeFile(zip, storedZip(entries));
    return unzipSafely(zip, join(dir, 'out'));
  }

  it('unpacks files and folders, keeping exec bits, and lists the files', async () => {
    const files = await unzip([
      { name: 'appspec.yml', data: 'os: linux\n' },
      { name: 'hooks/' },
      { name: 'hooks/start.sh', data: '#!/bin/sh\n', mode: 0o100755 },
    ]);
    expect(files).toEqual(['appspec.yml', 'hooks/start.sh']);
    expect(await readFile(join(dir, 'out/appspec.yml'), 'utf8')).toBe('os: linux\n');
    expect((await stat(join(dir, 'out/hooks/start.sh'))).mode & 0o777).toBe(0o755);
  });

  it.each<[string, ZipEntry]>([
    ['a parent path (zip-slip)', { name: '../evil.txt', data: 'x' }],
    ['a nested parent path', { name: 'a/../../evil.txt', data: 'x' }],
    ['an absolute path', { name: '/tmp/evil.txt', data: 'x' }],
    ['a symbolic link', { name: 'link', data: '/etc/passwd', mode: 0o120777 }],
  ])('refuses %s and writes nothing outside the folder', async (_name, entry) => {
    await expect(unzip([{ name: 'ok.txt', data: 'ok' }, entry])).rejects.toBeInstanceOf(ValidationError);
    expect((await readdir(dir)).sort()).toEqual(['out', 'p.zip']);
    expect(await readdir(join(dir, 'out'))).not.toContain('link');
  });

  it('refuses something that is not a zip', async () => {
    await writeFile(join(dir, 'p.zip'), 'not a zip at all');
    await expect(unzipSafely(join(dir, 'p.zip'), join(dir, 'out'))).rejects.toThrow(/not a readable zip archive/);
  });

  it('refuses an archive above the size limit', async () => {
    await writeFile(join(dir, 'p.zip'), storedZip([{ name: 'big', data: 'x'.repeat(100) }]));
    await expect(unzipSafely(join(dir, 'p.zip'), join(dir, 'out'), { maxTotalBytes: 50 })).rejects.toThrow(/more than 50 bytes/);
  });

  it.each([
    ['a/b.txt', 0o100644, '/t/a/b.txt'],
    ['../x', 0o100644, 'leaves the target folder (zip-slip)'],
    ['C:/x', 0o100644, 'is an absolute path'],
    ['l', 0o120777, 'is a symbolic link; packages may not contain links'],
  ])('entryTarget(%s)', (fileName, mode, expected) => {
    const t = entryTarget('/t', { fileName, externalFileAttributes: (mode << 16) >>> 0 });
    expect(typeof t === 'string' ? t : t.problem).toBe(expected);
  });
});
