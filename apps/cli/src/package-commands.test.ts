import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BinaryBody, BinaryFetchLike, BinaryFetchResponse } from '@envmgr/api-contract';
import type { Io } from './io.js';
import { run } from './run.js';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}
interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  bytes?: Buffer;
}

const SHA = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function bytesOf(body: string | BinaryBody | undefined): Promise<Buffer | undefined> {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  if ('arrayBuffer' in body) return Buffer.from(await body.arrayBuffer());
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

/** Runs `envmgr` against a fake server that sees binary bodies, capturing output; files are real (in a temp dir). */
function cli(respond: (s: Seen) => Answer) {
  const seen: Seen[] = [];
  let stdout = '';
  let stderr = '';
  const fetch: BinaryFetchLike = async (url, init) => {
    const s = { method: init.method, url, headers: init.headers, body: await bytesOf(init.body) };
    seen.push(s);
    const a = respond(s);
    const status = a.status ?? 200;
    const headers = Object.fromEntries(Object.entries(a.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const payload = a.bytes ?? Buffer.from(a.body === undefined ? '' : JSON.stringify(a.body));
    const res: BinaryFetchResponse = {
      status,
      ok: status >= 200 && status < 300,
      headers: { get: (n) => headers[n.toLowerCase()] ?? null },
      text: async () => payload.toString(),
      body: (async function* () {
        yield payload.subarray(0, 3);
        yield payload.subarray(3);
      })(),
    };
    return res;
  };
  const io: Io = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: { ENVMGR_TOKEN: 'emt_test_token_1234' },
    // a binary fetch is also a JSON one, as the global fetch is both
    fetch,
  };
  return {
    seen,
    run: async (...argv: string[]) => {
      stdout = '';
      stderr = '';
      return run(argv, io);
    },
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

/** Entry names and unix modes from a zip's central directory. */
function zipEntries(zip: Buffer): { name: string; mode: number }[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const out: { name: string; mode: number }[] = [];
  for (let i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    out.push({ name: zip.subarray(at + 46, at + 46 + nameLength).toString(), mode: (zip.readUInt32LE(at + 38) >>> 16) & 0o777 });
    at += 46 + skip;
  }
  return out;
}

const uploaded = (s: Seen) => ({ status: 201, body: { service: 'Hello', version: '1.0.0', sha256: SHA(s.body ?? Buffer.alloc(0)), sizeBytes: s.body?.length ?? 0 } });
const problem = (status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Answer => ({
  status,
  headers: { 'content-type': 'application/problem+json', 'x-request-id': 'req-3' },
  body: { type: `/problems/${code}`, title: code, status, detail, code, requestId: 'req-3', ...extra },
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'envmgr-cli-pkg-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function aServiceFolder(): Promise<string> {
  const root = join(dir, 'hello');
  await mkdir(join(root, 'hooks'), { recursive: true });
  await mkdir(join(root, 'empty'));
  await writeFile(join(root, 'appspec.yml'), 'os: linux\n');
  await writeFile(join(root, 'hooks', 'start.sh'), '#!/bin/sh\n');
  await chmod(join(root, 'hooks', 'start.sh'), 0o755);
  await writeFile(join(root, 'server.mjs'), 'console.log(1)\n');
  return root;
}

describe('envmgr package upload', () => {
  it('zips a folder (names relative, modes kept) and PUTs it as application/zip with the token', async () => {
    const c = cli(uploaded);
    const folder = await aServiceFolder();
    expect(await c.run('package', 'upload', 'Hello', '1.0.0', folder)).toBe(0);
    const req = c.seen[0];
    expect(req).toMatchObject({ method: 'PUT', url: 'http://127.0.0.1:8080/api/v1/packages/Hello/1.0.0' });
    expect(req?.headers).toMatchObject({ 'content-type': 'application/zip', authorization: 'Bearer emt_test_token_1234' });
    const entries = zipEntries(req?.body ?? Buffer.alloc(0));
    expect(entries.map((e) => e.name)).toEqual(['appspec.yml', 'empty/', 'hooks/', 'hooks/start.sh', 'server.mjs']);
    expect(entries.find((e) => e.name === 'hooks/start.sh')?.mode).toBe(0o755);
    expect(c.stdout).toBe(`uploaded Hello 1.0.0 (folder ${folder}, 5 entries zipped): ${req?.body?.length} bytes, sha256 ${SHA(req?.body ?? Buffer.alloc(0))}\n`);
  });

  it('sends a zip file as it is, for an environment, and prints JSON with --json', async () => {
    const c = cli((s) => ({ status: 201, body: { service: 'Hello', version: '1.0.0', environment: 'c50', sha256: SHA(s.body ?? Buffer.alloc(0)), sizeBytes: 6 } }));
    await writeFile(join(dir, 'hello.zip'), 'PKzip!');
    expect(await c.run('package', 'upload', 'Hello', '1.0.0', join(dir, 'hello.zip'), '--environment', 'c50', '--json')).toBe(0);
    expect(c.seen[0]?.url).toBe('http://127.0.0.1:8080/api/v1/packages/Hello/1.0.0/c50');
    expect(c.seen[0]?.body?.toString()).toBe('PKzip!');
    expect(JSON.parse(c.stdout)).toMatchObject({ environment: 'c50', sizeBytes: 6 });
  });

  it('exits 2 without sending anything for a missing path or a folder without appspec.yml', async () => {
    const c = cli(uploaded);
    expect(await c.run('package', 'upload', 'Hello', '1.0.0', join(dir, 'nowhere'))).toBe(2);
    expect(c.stderr).toContain(`error: '${join(dir, 'nowhere')}' does not exist`);
    await mkdir(join(dir, 'bare'));
    expect(await c.run('package', 'upload', 'Hello', '1.0.0', join(dir, 'bare'))).toBe(2);
    expect(c.stderr).toContain(`error: '${join(dir, 'bare')}' has no appspec.yml at its root`);
    expect(c.seen).toEqual([]);
  });

  it('shows every problem of an invalid package and exits 1', async () => {
    const c = cli(() =>
      problem(400, 'invalid-package', 'package Hello 1.0.0 is not a valid package: appspec.yml:os: must be one of linux, windows; got "macos" (and 1 more problem)', {
        errors: [
          { path: 'appspec.yml:os', message: 'must be one of linux, windows; got "macos"' },
          { path: 'appspec.yml:hooks.ApplicationStart.0.location', message: "'start.sh' is not in the archive" },
        ],
      }),
    );
    expect(await c.run('package', 'upload', 'Hello', '1.0.0', await aServiceFolder())).toBe(1);
    expect(c.stderr).toContain('error: package Hello 1.0.0 is not a valid package');
    expect(c.stderr).toContain("  appspec.yml:hooks.ApplicationStart.0.location: 'start.sh' is not in the archive\n");
  });

  it('exits 1 when the version exists, 3 when the server is unreachable', async () => {
    const c = cli(() => problem(409, 'package-exists', 'package Hello 1.0.0 is already stored'));
    expect(await c.run('package', 'upload', 'Hello', '1.0.0', await aServiceFolder())).toBe(1);
    expect(c.stderr).toContain('error: package Hello 1.0.0 is already stored');
    const down = cli(() => {
      throw new TypeError('fetch failed');
    });
    expect(await down.run('package', 'list', 'Hello')).toBe(3);
  });
});

describe('envmgr package list', () => {
  const versions = [
    { version: '1.0.0', sha256: 'a'.repeat(64), sizeBytes: 1234, storedAt: '2026-01-01T10:00:00.000Z' },
    { version: '1.0.0', environment: 'c50', sha256: 'b'.repeat(64), sizeBytes: 99, storedAt: '2026-01-02T10:00:00.000Z' },
  ];

  it('prints a table, or JSON', async () => {
    const c = cli(() => ({ body: versions }));
    expect(await c.run('package', 'list', 'Hello')).toBe(0);
    expect(c.seen[0]?.url).toBe('http://127.0.0.1:8080/api/v1/packages/Hello');
    expect(c.stdout.split('\n')).toEqual([
      'VERSION  ENVIRONMENT  BYTES  STORED                SHA256',
      `1.0.0                 1234   2026-01-01 10:00:00Z  ${'a'.repeat(64)}`,
      `1.0.0    c50          99     2026-01-02 10:00:00Z  ${'b'.repeat(64)}`,
      '',
    ]);
    expect(await c.run('package', 'list', 'Hello', '--json')).toBe(0);
    expect(JSON.parse(c.stdout)).toEqual(versions);
  });

  it('says how to upload when there is nothing yet', async () => {
    const c = cli(() => ({ body: [] }));
    await c.run('package', 'list', 'Hello');
    expect(c.stdout).toBe('no packages of Hello yet; upload one with `envmgr package upload Hello <version> <file-or-dir>`\n');
  });
});

describe('envmgr package download', () => {
  const ZIP = Buffer.from('PK\u0003\u0004 the archive');

  it('writes the package, verified, to <service>-<version>.zip in the current folder', async () => {
    const c = cli(() => ({ headers: { 'x-checksum-sha256': SHA(ZIP), 'content-length': String(ZIP.length) }, bytes: ZIP }));
    const cwd = process.cwd();
    process.chdir(dir); // the default output is relative to where the command runs (vitest runs files in forks)
    try {
      expect(await c.run('package', 'download', 'Hello', '1.0.0')).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    expect(await readFile(join(dir, 'Hello-1.0.0.zip'))).toEqual(ZIP);
    expect(c.stdout).toBe(`downloaded Hello 1.0.0 to Hello-1.0.0.zip: ${ZIP.length} bytes, sha256 ${SHA(ZIP)} (verified)\n`);
  });

  it('refuses to replace a file unless --force; writes --output for an environment', async () => {
    const c = cli(() => ({ headers: { 'x-checksum-sha256': SHA(ZIP) }, bytes: ZIP }));
    const out = join(dir, 'out.zip');
    await writeFile(out, 'old');
    expect(await c.run('package', 'download', 'Hello', '1.0.0', '--environment', 'c50', '--output', out)).toBe(2);
    expect(c.stderr).toContain(`error: '${out}' already exists`);
    expect(c.seen).toEqual([]);
    expect(await c.run('package', 'download', 'Hello', '1.0.0', '--environment', 'c50', '--output', out, '--force', '--json')).toBe(0);
    expect(c.seen[0]?.url).toBe('http://127.0.0.1:8080/api/v1/packages/Hello/1.0.0/c50');
    expect(await readFile(out)).toEqual(ZIP);
    expect(JSON.parse(c.stdout)).toEqual({ service: 'Hello', version: '1.0.0', environment: 'c50', path: out, sha256: SHA(ZIP), sizeBytes: ZIP.length });
  });

  it('keeps nothing and exits 4 when the bytes do not match the checksum', async () => {
    const c = cli(() => ({ headers: { 'x-checksum-sha256': 'f'.repeat(64) }, bytes: ZIP }));
    expect(await c.run('package', 'download', 'Hello', '1.0.0', '--output', join(dir, 'x.zip'))).toBe(4);
    expect(c.stderr).toContain('the download of Hello 1.0.0 is corrupt');
    expect(await readdir(dir)).toEqual([]);
  });

  it('exits 1 on 404', async () => {
    const c = cli(() => problem(404, 'not-found', "package 'Hello 9.9.9' does not exist"));
    expect(await c.run('package', 'download', 'Hello', '9.9.9', '--output', join(dir, 'x.zip'))).toBe(1);
    expect(c.stderr).toContain("error: package 'Hello 9.9.9' does not exist");
    expect(await readdir(dir)).toEqual([]);
  });
});
