import { describe, expect, it } from 'vitest';
import { ApiError } from '../client/api-error.js';
import { createPackagesClient, type BinaryBody, type BinaryFetchLike, type BinaryFetchResponse } from './packages-client.js';

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | BinaryBody | undefined;
  duplex: string | undefined;
}
interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  chunks?: string[];
}

const SHA = 'a'.repeat(64);
// ASCII only: api-contract compiles without the DOM or Node libraries, so TextEncoder is not declared here
const ascii = (text: string): Uint8Array => Uint8Array.from(text, (ch) => ch.charCodeAt(0));

function fakeServer(respond: (s: Seen) => Answer) {
  const seen: Seen[] = [];
  const fetch: BinaryFetchLike = async (url, init) => {
    const s = { url, method: init.method, headers: init.headers, body: init.body, duplex: init.duplex };
    seen.push(s);
    return response(respond(s));
  };
  return { seen, client: createPackagesClient({ baseUrl: 'http://em.test/', fetch, headers: { authorization: 'Bearer t' } }) };
}

function response({ status = 200, headers = {}, body, chunks }: Answer): BinaryFetchResponse {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const text = body === undefined ? (chunks ?? []).join('') : typeof body === 'string' ? body : JSON.stringify(body);
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: { get: (n) => lower[n.toLowerCase()] ?? null },
    text: async () => text,
    body: (async function* () {
      for (const c of chunks ?? [text]) yield ascii(c);
    })(),
  };
}

const problem = (status: number, code: string, extra: Record<string, unknown> = {}): Answer => ({
  status,
  headers: { 'content-type': 'application/problem+json', 'x-request-id': 'req-9' },
  body: { type: `/problems/${code}`, title: code, status, detail: `${code} happened`, code, requestId: 'req-9', ...extra },
});

describe('packages client', () => {
  it('uploads bytes as application/zip to the package route and parses the answer', async () => {
    const { seen, client } = fakeServer(() => ({ status: 201, body: { service: 'Hello', version: '1.0.0+b.1', sha256: SHA, sizeBytes: 3 } }));
    const up = await client.uploadPackage({ service: 'Hello', version: '1.0.0+b.1' }, new Uint8Array([80, 75, 3]));
    expect(up).toEqual({ service: 'Hello', version: '1.0.0+b.1', sha256: SHA, sizeBytes: 3 });
    expect(seen[0]).toMatchObject({ method: 'PUT', url: 'http://em.test/api/v1/packages/Hello/1.0.0%2Bb.1', duplex: undefined });
    expect(seen[0]?.headers).toMatchObject({ 'content-type': 'application/zip', authorization: 'Bearer t' });
  });

  it('streams an async iterable body with duplex half, to the environment route', async () => {
    const { seen, client } = fakeServer(() => ({ status: 201, body: { service: 'Hello', version: '1.0.0', environment: 'c50', sha256: SHA, sizeBytes: 1 } }));
    await client.uploadPackage({ service: 'Hello', version: '1.0.0', environment: 'c50' }, (async function* () {})());
    expect(seen[0]).toMatchObject({ url: 'http://em.test/api/v1/packages/Hello/1.0.0/c50', duplex: 'half' });
  });

  it('turns a refused upload into an ApiError carrying the problem', async () => {
    const { client } = fakeServer(() => problem(400, 'invalid-package', { errors: [{ path: 'appspec.yml:os', message: 'must be one of linux, windows' }] }));
    const err = await client.uploadPackage({ service: 'Hello', version: '1.0.0' }, new Uint8Array()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'invalid-package', requestId: 'req-9' });
    expect((err as ApiError).problem?.errors?.[0]?.path).toBe('appspec.yml:os');
  });

  it('downloads as a stream with the checksum and size', async () => {
    const { seen, client } = fakeServer(() => ({ headers: { 'x-checksum-sha256': SHA, 'content-length': '6' }, chunks: ['PK', 'zip!'] }));
    const d = await client.downloadPackage({ service: 'Hello', version: '1.0.0' });
    expect(d).toMatchObject({ sha256: SHA, sizeBytes: 6 });
    let text = '';
    for await (const c of d.body) text += String.fromCharCode(...c);
    expect(text).toBe('PKzip!');
    expect(seen[0]?.method).toBe('GET');
  });

  it('refuses a download without a checksum as invalid-response', async () => {
    const { client } = fakeServer(() => ({ chunks: ['PK'] }));
    await expect(client.downloadPackage({ service: 'Hello', version: '1.0.0' })).rejects.toMatchObject({ code: 'invalid-response' });
  });

  it('lists packages, asks for an upload URL, and handles logs', async () => {
    const { seen, client } = fakeServer((s) => {
      if (s.url.endsWith('/packages/Hello')) return { body: [{ version: '1.0.0', sha256: SHA, sizeBytes: 3, storedAt: '2026-01-01T00:00:00.000Z' }] };
      if (s.url.includes('package-upload-url')) return { body: { url: 'http://em.test/api/v1/packages/Hello/1.0.0/c50' } };
      if (s.method === 'PUT') return { body: { key: 'c50/a b.log', sha256: SHA, sizeBytes: 2 } };
      if (s.url.includes('/logs?')) return { body: [{ key: 'c50/a b.log', sizeBytes: 2, storedAt: '2026-01-01T00:00:00.000Z' }] };
      return { body: 'hi' };
    });
    expect(await client.listPackages('Hello')).toHaveLength(1);
    expect(await client.packageUploadUrl({ service: 'Hello', version: '1.0.0', environment: 'c50' })).toBe('http://em.test/api/v1/packages/Hello/1.0.0/c50');
    expect(seen[1]?.url).toBe('http://em.test/api/v1/package-upload-url/Hello/1.0.0/c50');
    expect(await client.uploadLog('c50/a b.log', 'hi')).toMatchObject({ sizeBytes: 2 });
    expect(seen[2]).toMatchObject({ url: 'http://em.test/api/v1/logs/c50/a%20b.log', body: 'hi' });
    expect(seen[2]?.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(await client.readLog('c50/a b.log')).toBe('hi');
    expect(await client.listLogs('c50/')).toHaveLength(1);
    expect(seen[4]?.url).toBe('http://em.test/api/v1/logs?prefix=c50%2F');
  });

  it('sends a token as a bearer and never shows it in an error', async () => {
    const seen: Record<string, string>[] = [];
    const client = createPackagesClient({
      baseUrl: 'http://em.test',
      token: 'emt_secret_value',
      headers: { Authorization: 'Basic old' },
      fetch: (_url, init) => {
        seen.push(init.headers);
        return Promise.reject(new TypeError('bad header emt_secret_value'));
      },
    });
    const err = (await client.uploadPackage({ service: 'Hello', version: '1.0.0' }, new Uint8Array()).catch((e: unknown) => e)) as ApiError;
    expect(seen[0]).toEqual({ authorization: 'Bearer emt_secret_value', 'content-type': 'application/zip', accept: 'application/json, application/problem+json' });
    expect(err.code).toBe('unreachable');
    expect(err.message).not.toContain('emt_secret_value');
    expect(() => createPackagesClient({ baseUrl: 'http://em.test', token: 'two words' })).toThrow(TypeError);
  });

  it('reports an unreachable server', async () => {
    const client = createPackagesClient({ baseUrl: 'http://em.test', fetch: () => Promise.reject(new TypeError('fetch failed')) });
    await expect(client.downloadPackage({ service: 'Hello', version: '1.0.0' })).rejects.toMatchObject({ code: 'unreachable', status: 0 });
  });
});
