import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { createClient } from './create-client.js';
import type { FetchLike, FetchResponse } from './transport.js';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}
interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A fake fetch that records each request and answers with `respond(call)`. */
function fakeServer(respond: (call: Call) => Answer | Promise<Answer>) {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    const call = { url, method: init.method, headers: init.headers, body: init.body === undefined ? undefined : (JSON.parse(init.body) as unknown) };
    calls.push(call);
    return response(await respond(call));
  };
  return { calls, client: createClient({ baseUrl: 'http://em.test:8080/', fetch }) };
}

function response({ status = 200, headers = {}, body }: Answer): FetchResponse {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return { status, ok: status >= 200 && status < 300, headers: { get: (n) => lower[n.toLowerCase()] ?? null }, text: async () => text };
}

const env = (name: string, version = 1) => ({ EnvironmentName: name, Value: { EnvironmentType: 'Dev' }, Version: version });

const problem = (status: number, code: string, extra: Record<string, unknown> = {}) => ({
  status,
  headers: { 'content-type': 'application/problem+json', 'x-request-id': 'req-42' },
  body: { type: `/problems/${code}`, title: code, status, detail: `${code} happened`, code, requestId: 'req-42', ...extra },
});

async function caught(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe('createClient: lists and paging', () => {
  it('sends filters, limit and cursor, and returns the next cursor from X-Next-Cursor', async () => {
    const { calls, client } = fakeServer(() => ({ body: [env('a')], headers: { 'X-Next-Cursor': 'c2' } }));
    const page = await client.list('environments', { filters: { environmentType: 'Dev' }, limit: 1, cursor: 'c1' });
    expect(calls[0]?.url).toBe('http://em.test:8080/api/v1/config/environments?environmentType=Dev&limit=1&cursor=c1');
    expect(page.items).toEqual([env('a')]);
    expect(page.nextCursor).toBe('c2');
  });

  it('falls back to the cursor of a Link rel="next" header', async () => {
    const { client } = fakeServer(() => ({ body: [], headers: { link: '<http://em.test/api/v1/config/clusters?limit=1&cursor=abc%3D%3D>; rel="next"' } }));
    expect((await client.list('clusters')).nextCursor).toBe('abc==');
  });

  it('listAll walks every page and stops when no cursor comes back', async () => {
    const pages: Record<string, Answer> = {
      '': { body: [env('a'), env('b')], headers: { 'x-next-cursor': 'p2' } },
      p2: { body: [env('c')], headers: { 'x-next-cursor': 'p3' } },
      p3: { body: [env('d')] },
    };
    const { calls, client } = fakeServer((call) => pages[/cursor=([^&]*)/.exec(call.url)?.[1] ?? ''] ?? { status: 500 });
    const names: unknown[] = [];
    for await (const item of client.listAll('environments', { limit: 2 })) names.push(item.EnvironmentName);
    expect(names).toEqual(['a', 'b', 'c', 'd']);
    expect(calls.map((c) => c.url.replace('http://em.test:8080/api/v1/config/', ''))).toEqual([
      'environments?limit=2',
      'environments?limit=2&cursor=p2',
      'environments?limit=2&cursor=p3',
    ]);
  });

  it('listAll refuses to loop on a cursor the server repeats', async () => {
    const { client } = fakeServer(() => ({ body: [env('a')], headers: { 'x-next-cursor': 'same' } }));
    const err = await caught((async () => { for await (const _ of client.listAll('environments')) { /* drain */ } })());
    expect(err.code).toBe('invalid-response');
  });

  it('pages history and audit the same way, validating each record', async () => {
    const record = { seq: 3, at: '2024-05-01T10:00:00Z', actor: 'alice', requestId: 'r', entityType: 'environments', key: 'c50', changeType: 'Updated', before: {}, after: {}, version: 2, prevHash: 'a', hash: 'b' };
    const { calls, client } = fakeServer(() => ({ body: [record] }));
    expect((await client.history('environments', 'c50', { limit: 5 })).items).toEqual([record]);
    await client.audit({ entityType: 'environments', actor: 'alice', since: '2024-05-01T00:00:00Z', limit: 10 });
    expect(calls.map((c) => c.url)).toEqual([
      'http://em.test:8080/api/v1/config/environments/c50/history?limit=5',
      'http://em.test:8080/api/v1/audit?entityType=environments&actor=alice&since=2024-05-01T00%3A00%3A00Z&limit=10',
    ]);
  });
});

describe('createClient: items and versions', () => {
  it('get returns the item and the version from ETag, encoding keys by type', async () => {
    const { calls, client } = fakeServer(() => ({ body: env('c50', 4), headers: { etag: '"4"' } }));
    expect(await client.get('environments', 'c50')).toMatchObject({ item: env('c50', 4), version: 4 });
    await client.get('lb-settings', 'c50/search');
    await client.get('upstreams', '/c50_c50-search/config');
    expect(calls.map((c) => c.url.replace('http://em.test:8080/api/v1/config/', ''))).toEqual([
      'environments/c50',
      'lb-settings/c50/search',
      'upstreams/%2Fc50_c50-search%2Fconfig',
    ]);
  });

  it("returns items as the server sent them, field order included", async () => {
    const { client } = fakeServer(() => ({ body: [env('a', 2)] }));
    const { items } = await client.list('environments');
    expect(Object.keys(items[0] ?? {})).toEqual(['EnvironmentName', 'Value', 'Version']);
  });

  it('rejects an item without a Version as invalid-response', async () => {
    const { client } = fakeServer(() => ({ body: { EnvironmentName: 'c50' } }));
    expect((await caught(client.get('environments', 'c50'))).code).toBe('invalid-response');
  });

  it('update sends If-Match with the expected version and leaves a stale Version out of the body', async () => {
    const { calls, client } = fakeServer(() => ({ body: env('c50', 5), headers: { etag: '"5"' } }));
    const result = await client.update('environments', 'c50', env('c50', 3), 4);
    expect(calls[0]).toMatchObject({ method: 'PUT', headers: { 'if-match': '"4"', 'content-type': 'application/json' } });
    expect(calls[0]?.body).toEqual({ EnvironmentName: 'c50', Value: { EnvironmentType: 'Dev' } });
    expect(result.version).toBe(5);
  });

  it('create posts to the type and reads the version from the body when there is no ETag', async () => {
    const { calls, client } = fakeServer(() => ({ status: 201, body: env('c51', 1) }));
    expect((await client.create('environments', env('c51'))).version).toBe(1);
    expect(calls[0]).toMatchObject({ method: 'POST', url: 'http://em.test:8080/api/v1/config/environments' });
  });

  it('remove sends If-Match and accepts an empty 204', async () => {
    const { calls, client } = fakeServer(() => ({ status: 204 }));
    await client.remove('clusters', 'Infra', 7);
    expect(calls[0]).toMatchObject({ method: 'DELETE', headers: { 'if-match': '"7"' }, body: undefined });
  });

  it('revert posts the target version and If-Match of the current one', async () => {
    const { calls, client } = fakeServer(() => ({ body: env('c50', 6) }));
    await client.revert('environments', 'c50', { toVersion: 2, expectedVersion: 5 });
    expect(calls[0]).toMatchObject({ method: 'POST', url: 'http://em.test:8080/api/v1/config/environments/c50/revert', headers: { 'if-match': '"5"' }, body: { version: 2 } });
  });
});

describe('createClient: export, import, audit verification', () => {
  const result = { dryRun: true, mode: 'replace', summary: { create: 1, update: 0, delete: 0, unchanged: 0 }, changes: [{ op: 'create', type: 'clusters', key: 'Infra', toVersion: 1 }] };

  it('imports with mode and dryRun in the query and validates the result', async () => {
    const { calls, client } = fakeServer(() => ({ body: result }));
    const doc = { format: 'envmgr-config', formatVersion: 1, items: {} } as const;
    expect(await client.importConfig(doc, { mode: 'replace', dryRun: true })).toEqual(result);
    await client.importLegacy('deploymentmaps', [{ DeploymentMapName: 'Std' }]);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'POST http://em.test:8080/api/v1/config/import?mode=replace&dryRun=true',
      'PUT http://em.test:8080/api/v1/config/import/deploymentmaps?mode=merge&dryRun=false',
    ]);
  });

  it('exports the chosen types', async () => {
    const { calls, client } = fakeServer(() => ({ body: { format: 'envmgr-config', formatVersion: 1, items: { clusters: [] } } }));
    expect((await client.exportConfig(['clusters', 'services'])).items).toEqual({ clusters: [] });
    expect(calls[0]?.url).toBe('http://em.test:8080/api/v1/config/export?types=clusters%2Cservices');
  });

  it('exports one type as an array', async () => {
    const { calls, client } = fakeServer(() => ({ body: [env('c50', 2)] }));
    expect(await client.exportResource('environments')).toEqual([env('c50', 2)]);
    expect(calls[0]?.url).toBe('http://em.test:8080/api/v1/config/export/environments');
  });

  it('reports a body that breaks the contract as invalid-response, a server fault', async () => {
    const { client } = fakeServer(() => ({ body: { ok: 'yes' } }));
    const err = await caught(client.verifyAudit());
    expect(err).toMatchObject({ code: 'invalid-response', status: 200, isServerError: true });
    expect(err.message).toContain('ok:');
  });

  it('parses the audit verification', async () => {
    const { client } = fakeServer(() => ({ body: { ok: false, checked: 9, brokenAt: { seq: 4, reason: 'hash mismatch' } } }));
    expect(await client.verifyAudit()).toEqual({ ok: false, checked: 9, brokenAt: { seq: 4, reason: 'hash mismatch' } });
  });
});

describe('createClient: errors', () => {
  it('maps a problem+json answer to an ApiError with its code, problem and request id', async () => {
    const { client } = fakeServer(() => problem(409, 'version-conflict', { currentVersion: 6 }));
    const err = await caught(client.update('environments', 'c50', env('c50'), 4));
    expect(err).toMatchObject({ status: 409, code: 'version-conflict', requestId: 'req-42', message: 'version-conflict happened', isServerError: false });
    expect(err.problem?.currentVersion).toBe(6);
  });

  it('keeps the located errors of a 400', async () => {
    const { client } = fakeServer(() => problem(400, 'validation-failed', { errors: [{ path: 'items.clusters.0.ClusterName', message: 'required' }] }));
    const err = await caught(client.importConfig({ format: 'envmgr-config', formatVersion: 1, items: {} }));
    expect(err.problem?.errors).toEqual([{ path: 'items.clusters.0.ClusterName', message: 'required' }]);
  });

  it('maps a non-problem error body to http-<status>', async () => {
    const { client } = fakeServer(() => ({ status: 502, headers: { 'content-type': 'text/html' }, body: '<html>bad gateway</html>' }));
    const err = await caught(client.health());
    expect(err).toMatchObject({ status: 502, code: 'http-502', problem: undefined, isServerError: true });
  });

  it('maps a network failure to unreachable, naming the URL without credentials', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
    const client = createClient({ baseUrl: 'http://bob:s3cret@127.0.0.1:1', fetch: () => Promise.reject(refused) });
    const err = await caught(client.health());
    expect(err).toMatchObject({ status: 0, code: 'unreachable', url: 'http://127.0.0.1:1/api/v1/diagnostics/healthcheck' });
    expect(err.message).toBe('cannot reach the EM server at http://127.0.0.1:1/api/v1/diagnostics/healthcheck (connect ECONNREFUSED 127.0.0.1:1)');
    expect(err.message).not.toContain('s3cret');
  });

  it('sends the configured headers but never copies them into an error', async () => {
    const seen: Record<string, string>[] = [];
    const client = createClient({
      baseUrl: 'http://em.test',
      headers: { authorization: 'Bearer t0ken' },
      fetch: async (_url, init) => {
        seen.push(init.headers);
        return response(problem(404, 'not-found'));
      },
    });
    const err = await caught(client.get('clusters', 'nope'));
    expect(seen[0]?.authorization).toBe('Bearer t0ken');
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain('t0ken');
  });
});

describe('createClient: sign-in, tokens and passwords', () => {
  const tokenInfo = { id: 'abc123', owner: 'alice', name: 'ci', permissions: null, createdAt: '2024-05-01T12:00:00.000Z', expiresAt: '2024-07-30T12:00:00.000Z', revokedAt: null };

  it('login and token post the credentials and return the bearer token', async () => {
    const { calls, client } = fakeServer(() => ({ body: { token: 'jwt.a.b', expiresInSeconds: 300, user: 'alice' }, headers: { 'set-cookie': 'environmentmanager=s; HttpOnly' } }));
    expect(await client.login('alice', 'pw-123')).toEqual({ token: 'jwt.a.b', expiresInSeconds: 300, user: 'alice' });
    await client.token('alice', 'pw-123');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['POST http://em.test:8080/api/v1/login', 'POST http://em.test:8080/api/v1/token']);
    expect(calls[0]?.body).toEqual({ username: 'alice', password: 'pw-123' });
  });

  it('whoami, logout, token routes and set-password use their routes', async () => {
    const who = { name: 'alice/token:abc123', kind: 'token', user: 'alice', isAdmin: false, permissions: [{ Resource: '/config/**', Access: 'PUT' }] };
    const { calls, client } = fakeServer((c) => {
      if (c.url.endsWith('/whoami')) return { body: who };
      if (c.method === 'POST' && c.url.endsWith('/tokens')) return { status: 201, body: { ...tokenInfo, token: 'emt_abc123_s3cr3t' } };
      if (c.method === 'GET') return { body: [tokenInfo] };
      return { status: 204 };
    });
    expect(await client.whoami()).toEqual(who);
    await client.logout();
    expect((await client.createToken({ name: 'ci', expiresInDays: 30, permissions: [{ Resource: '/config/clusters', Access: 'POST' }] })).token).toBe('emt_abc123_s3cr3t');
    await client.createToken({ name: 'plain' });
    expect(await client.listTokens('bob smith')).toEqual([tokenInfo]);
    await client.listTokens();
    await client.revokeToken('abc123');
    await client.setPassword('DOM\\bob', 'a-long-password');
    expect(calls.map((c) => `${c.method} ${c.url.replace('http://em.test:8080/api/v1/', '')}`)).toEqual([
      'GET whoami',
      'POST logout',
      'POST tokens',
      'POST tokens',
      'GET tokens?owner=bob%20smith',
      'GET tokens',
      'DELETE tokens/abc123',
      'PUT users/DOM%5Cbob/password',
    ]);
    expect(calls[2]?.body).toEqual({ name: 'ci', expiresInDays: 30, permissions: [{ Resource: '/config/clusters', Access: 'POST' }] });
    expect(calls[3]?.body).toEqual({ name: 'plain' });
    expect(calls[7]?.body).toEqual({ password: 'a-long-password' });
  });

  it('rejects a whoami answer outside the contract', async () => {
    const { client } = fakeServer(() => ({ body: { name: 'x', kind: 'robot', isAdmin: false, permissions: [] } }));
    expect((await caught(client.whoami())).code).toBe('invalid-response');
  });

  it('sends the token as Authorization: Bearer on every request, replacing a configured authorization header', async () => {
    const seen: Record<string, string>[] = [];
    const client = createClient({
      baseUrl: 'http://em.test',
      token: 'emt_abc123_s3cr3t',
      headers: { Authorization: 'Basic old', 'x-trace': '1' },
      fetch: async (_url, init) => {
        seen.push(init.headers);
        return response({ body: [] });
      },
    });
    await client.list('clusters');
    await client.listTokens();
    expect(seen.map((h) => h.authorization)).toEqual(['Bearer emt_abc123_s3cr3t', 'Bearer emt_abc123_s3cr3t']);
    expect(seen[0]).not.toHaveProperty('Authorization');
    expect(seen[0]?.['x-trace']).toBe('1');
  });

  it('never sends an Authorization header without a token', async () => {
    const { calls, client } = fakeServer(() => ({ body: [] }));
    await client.list('clusters');
    expect(Object.keys(calls[0]?.headers ?? {}).map((h) => h.toLowerCase())).not.toContain('authorization');
  });

  it('refuses a token that cannot be a header value, without quoting it', () => {
    for (const bad of ['', 'emt_abc_s3cr3t\n', 'two words']) {
      let err: unknown;
      try {
        createClient({ baseUrl: 'http://em.test', token: bad });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TypeError);
      expect((err as Error).message).not.toContain('s3cr3t');
    }
  });

  it('cuts the token out of an error message even when the fetch implementation quotes it', async () => {
    const leak = Object.assign(new TypeError('fetch failed'), { cause: new Error('invalid header value "Bearer emt_abc123_s3cr3t"') });
    const client = createClient({ baseUrl: 'http://em.test', token: 'emt_abc123_s3cr3t', fetch: () => Promise.reject(leak) });
    const err = await caught(client.whoami());
    expect(err.code).toBe('unreachable');
    expect(err.message).toContain('[redacted]');
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain('s3cr3t');
  });

  it('keeps a 401 code and a 403 missing permission', async () => {
    const missing = { resource: '/config/environments/c50', access: 'PUT', clusters: ['Infra'], environmentTypes: [] };
    const { client } = fakeServer((c) => (c.url.endsWith('whoami') ? problem(401, 'login-required') : problem(403, 'permission-denied', { missing })));
    expect(await caught(client.whoami())).toMatchObject({ status: 401, code: 'login-required' });
    const denied = await caught(client.update('environments', 'c50', env('c50'), 1));
    expect(denied).toMatchObject({ status: 403, code: 'permission-denied' });
    expect(denied.problem?.missing).toEqual(missing);
  });

  it('reads Retry-After of a 429 as seconds or an HTTP date, else the problem field', async () => {
    const answers: Answer[] = [
      { ...problem(429, 'too-many-attempts'), headers: { 'retry-after': '30', 'content-type': 'application/problem+json' } },
      { ...problem(429, 'too-many-attempts'), headers: { 'retry-after': new Date(Date.now() + 120_000).toUTCString() } },
      problem(429, 'too-many-attempts', { retryAfterSeconds: 7 }),
      problem(429, 'too-many-attempts'),
    ];
    const { client } = fakeServer(() => answers.shift() ?? { status: 500 });
    expect((await caught(client.login('a', 'b'))).retryAfterSeconds).toBe(30);
    expect((await caught(client.login('a', 'b'))).retryAfterSeconds).toBeGreaterThanOrEqual(119);
    expect((await caught(client.login('a', 'b'))).retryAfterSeconds).toBe(7);
    expect((await caught(client.login('a', 'b'))).retryAfterSeconds).toBeUndefined();
  });
});
