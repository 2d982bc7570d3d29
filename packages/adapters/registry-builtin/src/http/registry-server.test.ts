import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBuiltinRegistry, engineOf, type BuiltinRegistry } from '../builtin-registry.js';
import { startRegistryServer, type RegistryServer } from './registry-server.js';

// The Consul HTTP details that the contract suite (which goes through the typed client) does not see: wire
// shapes, base64, raw bodies, status codes and texts, headers, node identity.

let dir: string;
let registry: BuiltinRegistry;
let server: RegistryServer;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'envmgr-registry-http-'));
  registry = createBuiltinRegistry({ path: join(dir, 'registry.db') });
  server = await startRegistryServer({ registry, host: '127.0.0.1', port: 0 });
});
afterEach(async () => {
  await server.close();
  await registry.close();
  await rm(dir, { recursive: true, force: true });
});

const call = (path: string, init: RequestInit = {}): Promise<Response> => fetch(`${server.url}${path}`, init);
const put = (path: string, body?: RequestInit['body'], headers: Record<string, string> = {}): Promise<Response> => call(path, { method: 'PUT', body, headers });
const indexOf = (res: Response): number => Number(res.headers.get('X-Consul-Index'));

describe('KV over HTTP', () => {
  it('stores and returns entries as Consul does: base64 Value, Flags, indexes, X-Consul-Index', async () => {
    expect(await (await put('/v1/kv/app/config?flags=42', 'hello')).text()).toBe('true');
    const res = await call('/v1/kv/app/config');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/application\/json/);
    const [entry] = (await res.json()) as Record<string, unknown>[];
    expect(entry).toEqual({
      LockIndex: 0,
      Key: 'app/config',
      Flags: 42,
      Value: Buffer.from('hello').toString('base64'),
      CreateIndex: expect.any(Number),
      ModifyIndex: expect.any(Number),
    });
    expect(indexOf(res)).toBe(entry?.ModifyIndex);
  });

  it('reads an empty value as null, and a raw value byte for byte', async () => {
    await put('/v1/kv/empty', '');
    expect(((await (await call('/v1/kv/empty')).json()) as { Value: unknown }[])[0]?.Value).toBeNull();
    const bytes = new Uint8Array([0, 255, 128, 10, 0xc3]); // not UTF-8
    await put('/v1/kv/binary', bytes);
    const raw = await call('/v1/kv/binary?raw');
    expect(raw.headers.get('Content-Type')).toBe('text/plain');
    expect(raw.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(new Uint8Array(await raw.arrayBuffer())).toEqual(bytes);
    const json = (await (await call('/v1/kv/binary')).json()) as { Value: string }[];
    expect(new Uint8Array(Buffer.from(json[0]?.Value ?? '', 'base64'))).toEqual(bytes);
  });

  it('answers 404 with an index for a missing key, an empty recurse and empty keys', async () => {
    for (const path of ['/v1/kv/missing', '/v1/kv/missing/?recurse', '/v1/kv/missing/?keys']) {
      const res = await call(path);
      expect(res.status).toBe(404);
      expect(indexOf(res)).toBeGreaterThanOrEqual(1);
    }
    const root = await call('/v1/kv/?keys');
    expect(root.status).toBe(200);
    expect(await root.json()).toEqual([]);
  });

  it('refuses a value above 512 KiB with 413 and Consul\'s text', async () => {
    expect((await put('/v1/kv/big', 'x'.repeat(512 * 1024))).status).toBe(200);
    const res = await put('/v1/kv/big', 'x'.repeat(512 * 1024 + 1));
    expect(res.status).toBe(413);
    expect(await res.text()).toMatch(/^Request body\(524289 bytes\) too large, max size: 524288 bytes/);
    expect((await call('/v1/kv/big?raw').then((r) => r.text())).length).toBe(512 * 1024);
  });

  it('refuses invalid keys and parameters with 400 and a plain-text reason', async () => {
    const cases: [string, RequestInit, RegExp][] = [
      ['/v1/kv/', { method: 'PUT', body: 'x' }, /^Missing key name$/],
      ['/v1/kv/', {}, /^Missing key name$/],
      ['/v1/kv/', { method: 'DELETE' }, /^Missing key name$/],
      ['/v1/kv//leading', { method: 'PUT', body: 'x' }, /^key must not begin with a '\/'/],
      ['/v1/kv/has%20space', {}, /characters other than/],
      ['/v1/kv/a?index=abc', {}, /^Invalid index$/],
      ['/v1/kv/a?index=1&wait=soon', {}, /^Invalid wait time$/],
      ['/v1/kv/a?cas=-1', { method: 'PUT', body: 'x' }, /^Invalid value for cas/],
      ['/v1/kv/a?recurse&cas=1', { method: 'DELETE' }, /^Conflicting flags/],
    ];
    for (const [path, init, reason] of cases) {
      const res = await call(path, init);
      expect(res.status, path).toBe(400);
      expect(res.headers.get('Content-Type'), path).toMatch(/text\/plain/);
      expect(await res.text(), path).toMatch(reason);
    }
  });

  it('lists with recurse and keys with a separator (also spelled seperator)', async () => {
    for (const k of ['s/a/1', 's/a/2', 's/b']) await put(`/v1/kv/${k}`, k);
    const list = (await (await call('/v1/kv/s/?recurse')).json()) as { Key: string }[];
    expect(list.map((e) => e.Key)).toEqual(['s/a/1', 's/a/2', 's/b']);
    expect(await (await call('/v1/kv/s/?keys&separator=/')).json()).toEqual(['s/a/', 's/b']);
    expect(await (await call('/v1/kv/s/?keys&seperator=/')).json()).toEqual(['s/a/', 's/b']);
  });

  it('answers check-and-set and deletes with true or false', async () => {
    expect(await (await put('/v1/kv/c?cas=0', '1')).text()).toBe('true');
    expect(await (await put('/v1/kv/c?cas=0', '2')).text()).toBe('false');
    expect(await (await call('/v1/kv/c?cas=0', { method: 'DELETE' })).text()).toBe('false');
    expect(await (await call('/v1/kv/c', { method: 'DELETE' })).text()).toBe('true');
  });

  it('blocks on index and wait, returning on a write or after the wait', async () => {
    await put('/v1/kv/w', '1');
    const index = indexOf(await call('/v1/kv/w'));
    const start = performance.now();
    const idle = await call(`/v1/kv/w?index=${index}&wait=200ms`);
    expect(performance.now() - start).toBeGreaterThanOrEqual(180);
    expect(indexOf(idle)).toBe(index);

    const pending = call(`/v1/kv/w?index=${index}&wait=10s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await put('/v1/kv/w', '2');
    const woken = await pending;
    expect(indexOf(woken)).toBeGreaterThan(index);
  });

  it('drops the wait of a client that goes away', async () => {
    await put('/v1/kv/w', '1');
    const index = indexOf(await call('/v1/kv/w'));
    const controller = new AbortController();
    const pending = call(`/v1/kv/w?index=${index}&wait=5m`, { signal: controller.signal }).catch(() => 'aborted');
    await expect.poll(() => engineOf(registry).pendingReads).toBe(1);
    controller.abort();
    expect(await pending).toBe('aborted');
    await expect.poll(() => engineOf(registry).pendingReads).toBe(0);
  });

  it('ends a blocking request when the server closes', async () => {
    await put('/v1/kv/w', '1');
    const index = indexOf(await call('/v1/kv/w'));
    const pending = call(`/v1/kv/w?index=${index}&wait=5m`).then(
      () => 'answered',
      () => 'closed',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const start = performance.now();
    await server.close();
    expect(await pending).toBe('closed');
    expect(performance.now() - start).toBeLessThan(2000);
    server = await startRegistryServer({ registry, port: 0 });
  });
});

describe('catalog, health and agent over HTTP', () => {
  const registration = {
    ID: 'dev-web',
    Name: 'dev-web',
    Tags: ['version:1.0.0'],
    Port: 40000,
    Meta: { deployment_id: 'd-1' },
    Check: { CheckID: 'dev-web:ttl', Name: 'ttl', TTL: '15s' },
    Checks: [{ Name: 'http', HTTP: 'http://127.0.0.1:40000/health', Interval: '10s', Timeout: '1s' }],
  };

  it('registers on the node named by X-Envmgr-Node, at the caller\'s address when none is given', async () => {
    const res = await put('/v1/agent/service/register', JSON.stringify(registration), { 'X-Envmgr-Node': 'i-123' });
    expect(res.status).toBe(200);
    const nodes = (await (await call('/v1/catalog/nodes')).json()) as { Node: string; Address: string }[];
    expect(nodes.map((n) => [n.Node, n.Address])).toEqual([['i-123', '127.0.0.1']]);
    const catalog = (await (await call('/v1/catalog/service/dev-web')).json()) as Record<string, unknown>[];
    expect(catalog[0]).toMatchObject({ Node: 'i-123', Address: '127.0.0.1', ServiceID: 'dev-web', ServiceName: 'dev-web', ServiceTags: ['version:1.0.0'], ServiceAddress: '', ServicePort: 40000, ServiceMeta: { deployment_id: 'd-1' } });
    expect(await (await call('/v1/catalog/services')).json()).toEqual({ 'dev-web': ['version:1.0.0'] });
  });

  it('registers on the registry\'s own node when the request names none, as a local Consul agent would', async () => {
    await put('/v1/agent/service/register', JSON.stringify({ Name: 'plain' }));
    const [entry] = (await (await call('/v1/catalog/service/plain')).json()) as Record<string, unknown>[];
    expect(entry).toMatchObject({ Node: 'envmgr', ServiceID: 'plain' });
  });

  it('returns health entries in Consul\'s shape, filters with passing, and takes TTL reports', async () => {
    await put('/v1/agent/service/register', JSON.stringify(registration), { 'X-Envmgr-Node': 'i-1', 'X-Envmgr-Node-Address': '10.0.0.1' });
    const [entry] = (await (await call('/v1/health/service/dev-web')).json()) as Record<string, unknown>[];
    expect(entry).toMatchObject({ Node: { Node: 'i-1', Address: '10.0.0.1' }, Service: { ID: 'dev-web', Service: 'dev-web', Port: 40000 } });
    expect(entry?.Checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Node: 'i-1', CheckID: 'dev-web:ttl', Name: 'ttl', Status: 'critical', Output: '', ServiceID: 'dev-web', ServiceName: 'dev-web', Type: 'ttl' }),
        expect.objectContaining({ CheckID: 'service:dev-web:2', Type: 'http', Definition: { HTTP: 'http://127.0.0.1:40000/health', Interval: '10s', Timeout: '1s' } }),
      ]),
    );
    expect(await (await call('/v1/health/service/dev-web?passing')).json()).toEqual([]);
    expect((await put('/v1/agent/check/pass/dev-web:ttl?note=ok', undefined, { 'X-Envmgr-Node': 'i-1' })).status).toBe(200);
    const checks = (await (await call('/v1/health/node/i-1')).json()) as { CheckID: string; Status: string; Output: string }[];
    expect(checks.find((c) => c.CheckID === 'dev-web:ttl')).toMatchObject({ Status: 'passing', Output: 'ok' });
    expect(await (await call('/v1/health/service/dev-web?passing=false')).json()).toHaveLength(1);
  });

  it('answers agent errors with Consul\'s statuses and texts', async () => {
    await put('/v1/agent/service/register', JSON.stringify(registration));
    const cases: [Promise<Response>, number, RegExp][] = [
      [put('/v1/agent/service/deregister/ghost'), 404, /^Unknown service ID "ghost"/],
      [put('/v1/agent/check/pass/ghost'), 404, /^Unknown check ID "ghost"/],
      [put('/v1/agent/check/pass/service:dev-web:2'), 500, /does not have associated TTL/],
      [put('/v1/agent/service/maintenance/dev-web'), 400, /^Missing value for enable$/],
      [put('/v1/agent/service/maintenance/dev-web?enable=maybe'), 400, /^Invalid value for enable: "maybe"$/],
      [put('/v1/agent/service/maintenance/ghost?enable=true'), 404, /^No service registered with ID "ghost"$/],
      [put('/v1/agent/service/register', JSON.stringify({ ID: 'x' })), 400, /^Missing service name$/],
      [put('/v1/agent/service/register', JSON.stringify({ Name: 'x', Check: { Name: 'bad' } })), 400, /^Must provide TTL/],
      [put('/v1/agent/service/register', '{not json'), 400, /^Request decode failed/],
      [call('/v1/acl/tokens'), 404, /no such endpoint/],
    ];
    for (const [res, status, text] of cases) {
      const r = await res;
      expect(r.status).toBe(status);
      expect(await r.text()).toMatch(text);
    }
  });

  it('adds and removes the maintenance check through the HTTP API', async () => {
    await put('/v1/agent/service/register', JSON.stringify(registration));
    expect((await put('/v1/agent/service/maintenance/dev-web?enable=true&reason=upgrade')).status).toBe(200);
    const checks = (await (await call('/v1/health/node/envmgr')).json()) as Record<string, unknown>[];
    expect(checks.find((c) => c.CheckID === '_service_maintenance:dev-web')).toMatchObject({ Name: 'Service Maintenance Mode', Status: 'critical', Notes: 'upgrade', Type: 'maintenance' });
    await put('/v1/agent/service/maintenance/dev-web?enable=false');
    const after = (await (await call('/v1/health/node/envmgr')).json()) as Record<string, unknown>[];
    expect(after.map((c) => c.CheckID)).not.toContain('_service_maintenance:dev-web');
  });
});
