import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryConfigStore } from '@envmgr/adapter-memory';
import { DomainError, type Actor, type JsonObject } from '@envmgr/domain';
import type { ConfigStore, PackageStore } from '@envmgr/ports';
import { createMemoryBlobStore, createMemoryPackageStore } from '@envmgr/ports/testing';
import { aService, anEnvironment, sequentialIds } from '@envmgr/test-support';
import type { App, AppEnv } from '../context.js';
import { requestId, requireJsonBody, limitBody } from '../middleware/middleware.js';
import { problem, toProblem, validationProblem, zodProblems } from '../problems/problem.js';
import { problemResponse } from '../problems/respond.js';
import { permissionGate } from '../access/route-permission.js';
import { isBinaryUploadPath, registerPackageRoutes } from './package-routes.js';

// ---- a zip writer for fixtures (stored entries, no compression) -------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const b of data) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip archive of `files` (a name ending in '/' is a folder). */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const nameBytes = Buffer.from(name);
    const data = Buffer.from(text);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(((name.endsWith('/') ? 0o40755 : 0o100755) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const APPSPEC = `version: 0.0
os: linux
files:
  - source: /
    destination: /opt/hello
hooks:
  ApplicationStart:
    - location: hooks/start.sh
      timeout: 30
  ValidateService:
    - location: hooks/validate.sh
`;
const HELLO = zip({
  'appspec.yml': APPSPEC,
  'hooks/': '',
  'hooks/start.sh': '#!/bin/sh\necho start\n',
  'hooks/validate.sh': '#!/bin/sh\nexit 0\n',
  'healthchecks/consul/healthchecks.yml': 'consul_healthchecks:\n  health:\n    type: http\n    name: health\n    interval: 5s\n    url: http://127.0.0.1:${PORT}/health\n',
  'server.mjs': 'console.log(1)\n',
});
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

// ---- the app under test: createHttpApp's error handling and middleware, with the wiring proposed for app.ts -----

const WHERE: Record<string, string> = { json: 'the request body', query: 'the query string', param: 'the URL', header: 'a header' };
const ACTORS: Record<string, Actor> = {
  admin: { name: 'admin', kind: 'user', user: 'admin', permissions: [{ Resource: '**', Access: 'ADMIN' }] },
  reader: { name: 'reader', kind: 'user', user: 'reader', permissions: [] },
  anonymous: { name: 'anonymous', kind: 'anonymous', permissions: [] },
};

interface Fixture {
  app: App;
  config: ConfigStore;
  packages: PackageStore;
  stagingDir: string;
  errors: Record<string, unknown>[];
}

async function aPackagesApp(opts: { maxPackageBytes?: number; maxLogBytes?: number } = {}): Promise<Fixture> {
  const config = createMemoryConfigStore();
  const packages = createMemoryPackageStore();
  const stagingDir = await mkdtemp(join(tmpdir(), 'envmgr-staging-'));
  const errors: Record<string, unknown>[] = [];
  const app: App = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return undefined;
      const errs = zodProblems(result.error.issues).map((e) => ({ ...e, path: `${result.target}.${e.path}` }));
      return problemResponse(validationProblem(errs, c.get('requestId'), WHERE[result.target] ?? 'the request'));
    },
  });
  app.use('*', requestId({ ids: sequentialIds('req') }));
  const jsonOnly = requireJsonBody(() => app);
  const itemLimit = limitBody(5 * 1024 * 1024);
  app.use('/api/v1/*', async (c, next) => {
    c.set('actor', ACTORS[c.req.header('x-test-user') ?? 'admin'] ?? ACTORS.reader!);
    await next();
  });
  // the exemptions proposed for app.ts
  app.use('/api/v1/*', (c, next) => (isBinaryUploadPath(c.req.path) ? next() : jsonOnly(c, next)));
  app.use('/api/v1/*', (c, next) => (['POST', 'PUT', 'PATCH'].includes(c.req.method) && !isBinaryUploadPath(c.req.path) ? itemLimit(c, next) : next()));
  app.use('/api/v1/*', permissionGate(() => app));
  registerPackageRoutes(app, {
    config: { store: config, clock: { now: () => 0 }, hasher: { sha256: (t) => t } },
    packages: { store: packages, blobs: createMemoryBlobStore(), stagingDir, maxPackageBytes: opts.maxPackageBytes, maxLogBytes: opts.maxLogBytes },
  });
  app.doc31('/api/openapi.json', { openapi: '3.1.0', info: { title: 'test', version: '1' } });
  app.notFound((c) => problemResponse(problem(404, 'route-not-found', `there is no route ${c.req.method} ${c.req.path}`, c.get('requestId'))));
  app.onError((err, c) => {
    if (!(err instanceof DomainError)) errors.push({ err });
    return problemResponse(toProblem(err, c.get('requestId') ?? 'unknown'));
  });
  return { app, config, packages, stagingDir, errors };
}

async function seed(store: ConfigStore, type: 'services' | 'environments', key: string, data: JsonObject) {
  await store.commit([{ op: 'create', type, key, data, references: [], indexes: {}, uniques: [] }], { actor: 'seed', requestId: 'r', at: '2026-01-01T00:00:00Z' });
}

// ---- tests ------------------------------------------------------------------------------------------------------

describe('package routes', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await aPackagesApp({ maxPackageBytes: 64 * 1024, maxLogBytes: 100 });
    await seed(f.config, 'services', 'Hello', aService('Hello'));
    await seed(f.config, 'environments', 'c50', anEnvironment('c50'));
  });
  afterEach(async () => {
    expect(await readdir(f.stagingDir)).toEqual([]);
    expect(f.errors).toEqual([]);
    await rm(f.stagingDir, { recursive: true, force: true });
  });

  const put = (path: string, body: Uint8Array, headers: Record<string, string> = { 'content-type': 'application/zip' }) =>
    f.app.request(path, { method: 'PUT', body, headers });
  const problemOf = async (res: Response) => (await res.json()) as { code: string; detail: string; errors?: { path: string; message: string }[] };

  it('uploads a package (201), then downloads the same bytes with their checksum', async () => {
    const res = await put('/api/v1/packages/Hello/1.0.0', HELLO);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ service: 'Hello', version: '1.0.0', sha256: sha256(HELLO), sizeBytes: HELLO.length });
    expect(res.headers.get('location')).toBe('/api/v1/packages/Hello/1.0.0');
    expect(res.headers.get('etag')).toBe(`"${sha256(HELLO)}"`);

    const got = await f.app.request('/api/v1/packages/Hello/1.0.0');
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/zip');
    expect(got.headers.get('x-checksum-sha256')).toBe(sha256(HELLO));
    expect(got.headers.get('digest')).toBe(`sha-256=${createHash('sha256').update(HELLO).digest('base64')}`);
    expect(got.headers.get('content-length')).toBe(String(HELLO.length));
    expect(got.headers.get('content-disposition')).toBe('attachment; filename="Hello-1.0.0.zip"');
    expect(Buffer.from(await got.arrayBuffer()).equals(HELLO)).toBe(true);

    const again = await f.app.request('/api/v1/packages/Hello/1.0.0', { headers: { 'if-none-match': `"${sha256(HELLO)}"` } });
    expect(again.status).toBe(304);
  });

  it('accepts application/octet-stream and a body without Content-Length (streamed)', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(HELLO.subarray(0, 100));
        controller.enqueue(HELLO.subarray(100));
        controller.close();
      },
    });
    const res = await f.app.request('/api/v1/packages/Hello/1.1.0', {
      method: 'PUT', body: stream, headers: { 'content-type': 'application/octet-stream' }, duplex: 'half',
    });
    expect(res.status).toBe(201);
    expect((await f.packages.stat({ service: 'Hello', version: '1.1.0' }))?.sha256).toBe(sha256(HELLO));
  });

  it('refuses to replace a stored version (409) and keeps the first', async () => {
    expect((await put('/api/v1/packages/Hello/1.0.0', HELLO)).status).toBe(201);
    const other = zip({ 'appspec.yml': 'os: linux\n' });
    const res = await put('/api/v1/packages/Hello/1.0.0', other);
    expect(res.status).toBe(409);
    expect(await problemOf(res)).toMatchObject({ code: 'package-exists', detail: expect.stringContaining('upload the build as a new version') });
    expect((await f.packages.stat({ service: 'Hello', version: '1.0.0' }))?.sha256).toBe(sha256(HELLO));
  });

  it('answers 404 naming an unknown service', async () => {
    for (const [method, path] of [
      ['PUT', '/api/v1/packages/Nope/1.0.0'],
      ['GET', '/api/v1/packages/Nope'],
      ['GET', '/api/v1/package-upload-url/Nope/1.0.0'],
    ] as const) {
      const res = method === 'PUT' ? await put(path, HELLO) : await f.app.request(path);
      expect(res.status, path).toBe(404);
      expect((await problemOf(res)).detail).toBe("service 'Nope' does not exist");
    }
    expect((await f.app.request('/api/v1/packages/Hello/9.9.9')).status).toBe(404);
  });

  it.each([
    ['not a zip', Buffer.from('just some text'), ['']],
    ['empty', Buffer.alloc(0), ['']],
    ['without appspec.yml', zip({ 'hooks/start.sh': 'x' }), ['appspec.yml']],
    ['with appspec.yml in a folder', zip({ 'hello/appspec.yml': 'os: linux\n' }), ['appspec.yml']],
    ['with YAML that does not parse', zip({ 'appspec.yml': 'os: [linux\n' }), ['appspec.yml']],
    ['with a wrong os and a missing hook script', zip({ 'appspec.yml': 'os: macos\nhooks:\n  ApplicationStart:\n    - location: start.sh\n' }), ['appspec.yml:os', 'appspec.yml:hooks.ApplicationStart.0.location']],
    ['with an entry escaping the root', zip({ 'appspec.yml': 'os: linux\n', '../evil.sh': 'rm -rf /' }), ['']],
    ['with a bad health check', zip({ 'appspec.yml': 'os: linux\n', 'healthchecks/consul/healthchecks.yml': 'consul_healthchecks:\n  h:\n    type: tcp\n' }), ['healthchecks/consul/healthchecks.yml:consul_healthchecks.h.type']],
  ])('refuses an archive %s with 400 invalid-package listing every problem, storing nothing', async (_what, archive, paths) => {
    const res = await put('/api/v1/packages/Hello/1.0.0', archive);
    expect(res.status).toBe(400);
    const p = await problemOf(res);
    expect(p.code).toBe('invalid-package');
    expect(p.errors?.map((e) => e.path)).toEqual(paths);
    expect(p.detail).toMatch(/^package Hello 1\.0\.0 is not a valid package: /);
    expect(await f.packages.stat({ service: 'Hello', version: '1.0.0' })).toBeUndefined();
  });

  it('says what is wrong with an escaping entry', async () => {
    const res = await put('/api/v1/packages/Hello/1.0.0', zip({ 'appspec.yml': 'os: linux\n', '../evil.sh': 'x' }));
    expect((await problemOf(res)).detail).toContain('invalid relative path');
  });

  it.each(['latest', '1.0', `1.0.0-${'a'.repeat(100)}`])('refuses the version %j with 400', async (version) => {
    const res = await put(`/api/v1/packages/Hello/${version}`, HELLO);
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors?.[0]?.path).toBe('param.version');
  });

  it('refuses a package over the limit with 413, by Content-Length or while streaming', async () => {
    const big = zip({ 'appspec.yml': 'os: linux\n', 'big.bin': 'x'.repeat(70 * 1024) });
    const res = await put('/api/v1/packages/Hello/1.0.0', big);
    expect(res.status).toBe(413);
    expect(await problemOf(res)).toMatchObject({ code: 'too-large', limitBytes: 64 * 1024 });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(big);
        controller.close();
      },
    });
    const streamed = await f.app.request('/api/v1/packages/Hello/1.0.0', { method: 'PUT', body: stream, headers: { 'content-type': 'application/zip' }, duplex: 'half' });
    expect(streamed.status).toBe(413);
    expect(await f.packages.stat({ service: 'Hello', version: '1.0.0' })).toBeUndefined();
  });

  it('refuses an announced Content-Length over the limit before reading the body', async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const res = await f.app.request('/api/v1/packages/Hello/1.0.0', {
      method: 'PUT', body: stream, headers: { 'content-type': 'application/zip', 'content-length': String(10 ** 9) }, duplex: 'half',
    });
    expect(res.status).toBe(413);
    expect((await problemOf(res)).detail).toContain('the package (1000000000 bytes) is larger than the limit of 65536 bytes');
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it('refuses a body that is neither zip nor octet-stream with 415', async () => {
    const res = await put('/api/v1/packages/Hello/1.0.0', HELLO, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    expect((await problemOf(res)).detail).toContain('send Content-Type: application/zip');
  });

  it('refuses a caller without permission (403) or not signed in (401), for uploads and reads', async () => {
    expect((await put('/api/v1/packages/Hello/1.0.0', HELLO, { 'content-type': 'application/zip', 'x-test-user': 'reader' })).status).toBe(403);
    expect((await put('/api/v1/packages/Hello/1.0.0', HELLO, { 'content-type': 'application/zip', 'x-test-user': 'anonymous' })).status).toBe(401);
    expect((await f.app.request('/api/v1/package-upload-url/Hello/1.0.0', { headers: { 'x-test-user': 'reader' } })).status).toBe(403);
    expect((await f.app.request('/api/v1/packages/Hello', { headers: { 'x-test-user': 'anonymous' } })).status).toBe(401);
    expect((await f.app.request('/api/v1/packages/Hello', { headers: { 'x-test-user': 'reader' } })).status).toBe(200);
    for (const key of ['a.log', 'c50/a.log']) {
      const res = await f.app.request(`/api/v1/logs/${key}`, { method: 'PUT', body: 'x', headers: { 'content-type': 'text/plain', 'x-test-user': 'reader' } });
      expect(res.status, key).toBe(403);
    }
  });

  it('keeps a package for an environment apart, and lists all in semver order', async () => {
    expect((await put('/api/v1/packages/Hello/1.10.0', HELLO)).status).toBe(201);
    expect((await put('/api/v1/packages/Hello/1.2.0', HELLO)).status).toBe(201);
    const env = await put('/api/v1/packages/Hello/1.2.0/c50', HELLO);
    expect(env.status).toBe(201);
    expect(await env.json()).toMatchObject({ service: 'Hello', version: '1.2.0', environment: 'c50' });
    expect((await put('/api/v1/packages/Hello/1.2.0/zz9', HELLO)).status).toBe(404);
    const list = await f.app.request('/api/v1/packages/Hello');
    expect(((await list.json()) as { version: string; environment?: string }[]).map((p) => [p.version, p.environment])).toEqual([
      ['1.2.0', undefined],
      ['1.2.0', 'c50'],
      ['1.10.0', undefined],
    ]);
    const got = await f.app.request('/api/v1/packages/Hello/1.2.0/c50');
    expect(got.headers.get('content-disposition')).toBe('attachment; filename="Hello-1.2.0-c50.zip"');
    await got.arrayBuffer();
  });

  it('gives the upload URL (our own PUT route), 409 when the version exists', async () => {
    const res = await f.app.request('http://em.test:8080/api/v1/package-upload-url/Hello/1.0.0/c50');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ url: 'http://em.test:8080/api/v1/packages/Hello/1.0.0/c50' });
    const text = await f.app.request('http://em.test:8080/api/v1/package-upload-url/Hello/1.0.0', { headers: { accept: 'text/plain' } });
    expect(await text.text()).toBe('http://em.test:8080/api/v1/packages/Hello/1.0.0');
    await put('/api/v1/packages/Hello/1.0.0', HELLO);
    expect((await f.app.request('/api/v1/package-upload-url/Hello/1.0.0')).status).toBe(409);
  });

  it('documents every route in OpenAPI', async () => {
    const doc = (await (await f.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    expect(Object.keys(doc.paths['/api/v1/packages/{service}/{version}'] ?? {}).sort()).toEqual(['get', 'put']);
    expect(doc.paths['/api/v1/packages/{service}/{version}/{environment}']).toBeDefined();
    expect(doc.paths['/api/v1/packages/{service}']?.get).toBeDefined();
    expect(doc.paths['/api/v1/package-upload-url/{service}/{version}']?.get).toBeDefined();
    expect(doc.paths['/api/v1/package-upload-url/{service}/{version}/{environment}']?.get).toBeDefined();
    expect(Object.keys(doc.paths['/api/v1/logs/{key}'] ?? {}).sort()).toEqual(['get', 'put']);
    // write routes declare their permission, as the permission matrix test of the whole app requires
    for (const path of ['/api/v1/packages/{service}/{version}', '/api/v1/packages/{service}/{version}/{environment}', '/api/v1/logs/{key}']) {
      expect(doc.paths[path]?.put?.['x-em-permission'], path).toBe('permission');
    }
    expect(doc.paths['/api/v1/logs']?.get).toBeDefined();
  });
});

describe('deployment log routes', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await aPackagesApp({ maxLogBytes: 100 });
  });
  afterEach(() => rm(f.stagingDir, { recursive: true, force: true }));

  const KEY = 'c50/c50-Hello/deployment-i-0abc-42.log';

  it('stores a log (text/plain), reads it back and lists it by prefix', async () => {
    const res = await f.app.request(`/api/v1/logs/${KEY}`, { method: 'PUT', body: 'hook output\n', headers: { 'content-type': 'text/plain; charset=utf-8' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ key: KEY, sha256: sha256(Buffer.from('hook output\n')), sizeBytes: 12 });
    const got = await f.app.request(`/api/v1/logs/${KEY}`);
    expect(got.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await got.text()).toBe('hook output\n');
    const list = await f.app.request('/api/v1/logs?prefix=c50/');
    expect(await list.json()).toEqual([{ key: KEY, sizeBytes: 12, storedAt: expect.any(String) }]);
  });

  it('replaces a log uploaded again (octet-stream)', async () => {
    await f.app.request('/api/v1/logs/a.log', { method: 'PUT', body: 'one', headers: { 'content-type': 'text/plain' } });
    await f.app.request('/api/v1/logs/a.log', { method: 'PUT', body: 'two', headers: { 'content-type': 'application/octet-stream' } });
    expect(await (await f.app.request('/api/v1/logs/a.log')).text()).toBe('two');
  });

  it('refuses bad keys (400), big logs (413), other media types (415); 404 for a missing log', async () => {
    const putLog = (path: string, body: string, type = 'text/plain') => f.app.request(path, { method: 'PUT', body, headers: { 'content-type': type } });
    for (const path of ['/api/v1/logs/..%2F..%2Fetc%2Fpasswd', '/api/v1/logs/a/.hidden', '/api/v1/logs/a%00b']) {
      const res = await putLog(path, 'x');
      expect(res.status, path).toBe(400);
      expect((await res.json()) as object).toMatchObject({ code: 'validation-failed' });
    }
    expect((await putLog('/api/v1/logs/a.log', 'x'.repeat(101))).status).toBe(413);
    expect((await putLog('/api/v1/logs/a.log', '{}', 'application/json')).status).toBe(415);
    expect((await f.app.request('/api/v1/logs/missing.log')).status).toBe(404);
    expect((await f.app.request('/api/v1/logs?prefix=../')).status).toBe(400);
  });
});

// ---- the example service of examples/hello-service ---------------------------------------------------------------

const EXAMPLES = join(import.meta.dirname, '../../../../examples/hello-service');
const run = promisify(execFile);

async function filesOf(root: string, rel = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(join(root, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, { [`${path}/`]: '' }, await filesOf(root, path));
    else out[path] = await readFile(join(root, path), 'utf8');
  }
  return out;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe('the example packages (examples/hello-service)', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'envmgr-examples-'));
    await run(process.execPath, [join(EXAMPLES, 'build.mjs'), '--out', out]);
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it.each(['1.0.0', '1.1.0', '1.2.0-validate-fails', '1.3.0-unhealthy'])('%s is a valid package', async (version) => {
    const f = await aPackagesApp({ maxPackageBytes: 1024 * 1024 });
    await seed(f.config, 'services', 'Hello', aService('Hello'));
    const res = await f.app.request(`/api/v1/packages/Hello/${version}`, { method: 'PUT', body: zip(await filesOf(join(out, version))), headers: { 'content-type': 'application/zip' } });
    expect(res.status, await res.clone().text()).toBe(201);
    await rm(f.stagingDir, { recursive: true, force: true });
  });

  const hook = (version: string, name: string, env: Record<string, string>) =>
    run('sh', [join(out, version, 'hooks', `${name}.sh`)], { env: { ...process.env, DEPLOYMENT_BASE_DIR: join(out, version), ...env }, timeout: 20_000 });

  it('starts, validates and stops by pid; the answers show the version and health', async () => {
    for (const [version, health] of [['1.1.0', 200], ['1.3.0-unhealthy', 503]] as const) {
      const env = { EM_SERVICE_PORT: String(await freePort()), EM_SERVICE_VERSION: version };
      await hook(version, 'application_start', env);
      try {
        expect((await hook(version, 'validate_service', env)).stdout).toContain(`Hello ${version} answers`);
        const home = (await (await fetch(`http://127.0.0.1:${env.EM_SERVICE_PORT}/`)).json()) as { service: string; version: string };
        expect(home).toMatchObject({ service: 'Hello', version });
        expect((await fetch(`http://127.0.0.1:${env.EM_SERVICE_PORT}/health`)).status).toBe(health);
      } finally {
        await hook(version, 'application_stop', env);
      }
      await expect(fetch(`http://127.0.0.1:${env.EM_SERVICE_PORT}/`)).rejects.toThrow();
    }
  });

  it('fails ValidateService in the validate-fails variant, and ApplicationStart on a port already taken', async () => {
    await expect(hook('1.2.0-validate-fails', 'validate_service', { EM_SERVICE_PORT: '1' })).rejects.toMatchObject({ code: 1 });
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    try {
      const port = String((taken.address() as AddressInfo).port);
      await expect(hook('1.0.0', 'application_start', { EM_SERVICE_PORT: port })).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('EADDRINUSE') });
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });
});
