import { DependencyUnavailableError, NotFoundError, ValidationError } from '@envmgr/domain';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createConsulRegistry } from './consul-registry.js';
import { parseGoDuration } from './go-duration.js';

interface Seen {
  method: string;
  url: URL;
  headers: Headers;
  body: string | undefined;
}

/** A fetch that records requests and answers from a script. */
function fakeFetch(answer: (req: Seen) => Response | Promise<Response>): { fetch: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const fn = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const req = { method: init?.method ?? 'GET', url, headers: new Headers(init?.headers), body: typeof init?.body === 'string' ? init.body : undefined };
    seen.push(req);
    init?.signal?.throwIfAborted();
    return answer(req);
  };
  return { fetch: fn, seen };
}

const json = (body: unknown, index = 7, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', 'X-Consul-Index': String(index) } });

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Consul client', () => {
  it('fails with DependencyUnavailableError, cause kept, when nothing listens', async () => {
    const registry = createConsulRegistry({ baseUrl: `http://127.0.0.1:${await closedPort()}` });
    const err: unknown = await registry.kvGet('a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect((err as Error).message).toMatch(/cannot be reached/);
    expect((err as Error).cause).toBeDefined();
  });

  it('translates statuses: 5xx and refused tokens are unavailable, 400 invalid, bad JSON unavailable', async () => {
    const answers: Record<string, Response> = {
      '/v1/kv/s500': new Response('rpc error: No cluster leader', { status: 500 }),
      '/v1/kv/s403': new Response('Permission denied', { status: 403 }),
      '/v1/kv/s400': new Response('key contains invalid character', { status: 400 }),
      '/v1/kv/junk': new Response('<html>', { status: 200, headers: { 'X-Consul-Index': '3' } }),
      '/v1/kv/noindex': new Response('[]', { status: 200 }),
    };
    const { fetch } = fakeFetch((req) => answers[req.url.pathname] ?? new Response('', { status: 599 }));
    const registry = createConsulRegistry({ baseUrl: 'http://consul:8500', fetch });
    await expect(registry.kvGet('s500')).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(registry.kvGet('s403')).rejects.toThrow(/registry token/);
    await expect(registry.kvGet('s400')).rejects.toBeInstanceOf(ValidationError);
    await expect(registry.kvGet('junk')).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(registry.kvGet('noindex')).rejects.toThrow(/X-Consul-Index/);
  });

  it('sends the node, its address and the token as headers, and flags as Consul spells them', async () => {
    const { fetch, seen } = fakeFetch((req) => (req.method === 'GET' ? json([]) : new Response('true')));
    const registry = createConsulRegistry({ baseUrl: 'http://consul:8500/', fetch, token: 's3cret', node: { name: 'i-1', address: '10.0.0.1' } });
    await registry.kvList('env/dev/', { index: 7, waitMs: 1500 });
    await registry.kvPut('env/dev/x', 'v', { cas: 0, flags: 3 });
    await registry.kvDelete('env/', { recurse: true });
    await registry.registerService({ id: 'web', name: 'web', checks: [{ type: 'ttl', ttlMs: 2500 }] });
    expect(seen.map((s) => `${s.method} ${s.url.pathname}${s.url.search}`)).toEqual([
      'GET /v1/kv/env/dev/?recurse&index=7&wait=1500ms',
      'PUT /v1/kv/env/dev/x?cas=0&flags=3',
      'DELETE /v1/kv/env/?recurse',
      'PUT /v1/agent/service/register?replace-existing-checks',
    ]);
    expect(seen[0]?.headers.get('X-Envmgr-Node')).toBe('i-1');
    expect(seen[0]?.headers.get('X-Envmgr-Node-Address')).toBe('10.0.0.1');
    expect(seen[0]?.headers.get('X-Consul-Token')).toBe('s3cret');
    expect(JSON.parse(seen[3]?.body ?? '')).toMatchObject({ ID: 'web', Name: 'web', Checks: [{ Name: "Service 'web' check", TTL: '2500ms', Status: 'critical' }] });
  });

  it('asks for at most 4 minutes per request, and returns when the server ends a wait early', async () => {
    const { fetch, seen } = fakeFetch(() => json([], 7));
    const registry = createConsulRegistry({ baseUrl: 'http://consul:8500', fetch });
    const got = await registry.catalogNodes({ index: 7, waitMs: 3_600_000 });
    expect(got.index).toBe(7);
    expect(seen.map((s) => s.url.searchParams.get('wait'))).toEqual(['240000ms']);
  });

  it('rejects with the signal\'s reason when the caller aborts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    const { fetch } = fakeFetch(() => json([]));
    const registry = createConsulRegistry({ baseUrl: 'http://consul:8500', fetch });
    await expect(registry.kvGet('a', { index: 3, signal: controller.signal })).rejects.toThrow('shutting down');
  });

  it('maps agent answers: 404 deregister is false, unknown or non-TTL checks and services are NotFoundError', async () => {
    const { fetch } = fakeFetch((req) => {
      if (req.url.pathname.includes('deregister')) return new Response('Unknown service ID "x"', { status: 404 });
      if (req.url.pathname.endsWith('/http-check')) return new Response('CheckID "http-check" does not have associated TTL', { status: 500 });
      return new Response('not found', { status: 404 });
    });
    const registry = createConsulRegistry({ baseUrl: 'http://consul:8500', fetch });
    expect(await registry.deregisterService('x')).toBe(false);
    await expect(registry.passCheck('http-check')).rejects.toBeInstanceOf(NotFoundError);
    await expect(registry.failCheck('ghost', 'x')).rejects.toBeInstanceOf(NotFoundError);
    await expect(registry.setServiceMaintenance('ghost', true)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('checks keys and values before sending anything', async () => {
    const { fetch, seen } = fakeFetch(() => json([]));
    const registry = createConsulRegistry({ baseUrl: 'http://consul:8500', fetch });
    await expect(registry.kvPut('/x', 'v')).rejects.toBeInstanceOf(ValidationError);
    await expect(registry.registerService({ id: '', name: 'x' })).rejects.toBeInstanceOf(ValidationError);
    expect(seen).toEqual([]);
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['250ms', 250],
    ['1h0m0s', 3_600_000],
    ['0s', 0],
    ['0', 0],
    ['500us', 0.5],
    ['', undefined],
    ['10', undefined],
    ['soon', undefined],
    ['1x', undefined],
  ])('%j → %s', (text, ms) => expect(parseGoDuration(text)).toBe(ms));
});
