import { createClient, type EnvMgrClient, type FetchLike } from '@envmgr/api-contract';

/** An answer of the fake server: a status and a JSON body (a problem when `code` is given). */
export interface FakeAnswer {
  status?: number;
  body?: unknown;
}

export type FakeRoutes = Record<string, FakeAnswer | ((body: unknown, headers: Readonly<Record<string, string>>) => FakeAnswer)>;

/** A problem+json body as the server sends it. */
export function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): FakeAnswer {
  return { status, body: { type: `/problems/${code}`, title: code, status, detail, code, requestId: 'req-1', ...extra } };
}

/** A fake fetch that answers `METHOD /path` (under /api/v1, without the query) from `routes`; unknown routes answer 404. */
export function fakeFetch(routes: FakeRoutes): { fetch: FetchLike; calls: string[]; urls: string[] } {
  const calls: string[] = [];
  const urls: string[] = [];
  const fetch: FetchLike = async (url, init) => {
    const path = new URL(url).pathname.replace(/^\/api\/v1/, '');
    const key = `${init.method} ${decodeURIComponent(path)}`;
    calls.push(key);
    urls.push(`${init.method} ${url}`);
    const route = routes[key];
    const answer = typeof route === 'function' ? route(init.body ? JSON.parse(init.body) : undefined, init.headers) : (route ?? problem(404, 'route-not-found', `no route ${key}`));
    const status = answer.status ?? 200;
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    return { status, ok: status < 300, headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? 'application/json' : null) }, text: async () => text };
  };
  return { fetch, calls, urls };
}

/** The real typed client over `fakeFetch(routes)`; `calls` records what was sent. */
export function fakeClient(routes: FakeRoutes): { client: EnvMgrClient; calls: string[] } {
  const { fetch, calls } = fakeFetch(routes);
  return { client: createClient({ baseUrl: 'http://em.test', fetch }), calls };
}

export const ADMIN = { name: 'admin', kind: 'user', user: 'admin', isAdmin: true, permissions: [{ Resource: '**', Access: 'ADMIN' }] };
export const READER = { name: 'reader', kind: 'user', user: 'reader', isAdmin: false, permissions: [] };
