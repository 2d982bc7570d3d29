import { describe, expect, it } from 'vitest';
import type { DeploymentDto } from '../deployments/deployment-schemas.js';
import { ApiError } from './api-error.js';
import { createClient } from './create-client.js';
import { createDeploymentsApi, type DeploymentProgress, type FollowSource } from './deployments-api.js';
import { createSseParser, type AbortSignalLike, type StreamFetchLike } from './event-stream.js';
import { createTransport } from './transport.js';

/** Globals of Node and browsers that the ES library types lack (api-contract compiles without DOM or Node types). */
const g = globalThis as unknown as {
  setTimeout(fn: () => void, ms: number): unknown;
  TextEncoder: new () => { encode(text: string): Uint8Array };
  AbortController: new () => { readonly signal: AbortSignalLike; abort(): void };
};

const ID = 'd-1';
const BASE = 'http://em.test';

const aDeployment = (over: Partial<DeploymentDto> = {}): DeploymentDto => ({
  id: ID,
  status: 'requested',
  environment: 'dev1',
  environmentType: 'Dev',
  service: 'Hello',
  version: '1.1.0',
  mode: 'overwrite',
  slice: 'none',
  serverRole: 'Web',
  runtimeServerRole: 'Web',
  owningCluster: 'Infra',
  group: 'dev1-in-Web',
  requestedBy: 'alice',
  requestedAt: '2026-11-23T12:00:00.000Z',
  updatedAt: '2026-11-23T12:00:00.000Z',
  nodes: [],
  log: ['[2026-11-23T12:00:00.000Z] requested'],
  Version: 1,
  ...over,
});
const node = (status: DeploymentDto['nodes'][number]['status'], extra: Partial<DeploymentDto['nodes'][number]> = {}) => ({
  instanceId: 'i-1',
  status,
  inService: true,
  lastCompletedStage: status === 'Success' ? 'Complete' : '',
  ...extra,
});

/** The SSE text the server's route writes for one event (hono's writeSSE: event, data, id). */
function sseEvent(d: DeploymentDto, seq: number): string {
  const data = { id: d.id, status: d.status, environment: d.environment, service: d.service, version: d.version, ...(d.reason ? { reason: d.reason } : {}), lastLog: d.log.at(-1) ?? '', nodes: d.nodes.map(({ log: _l, ...n }) => n) };
  const event = { id: String(seq), type: 'deployment.updated', at: '2026-11-23T12:00:00.000Z', subject: { deployment: d.id }, data };
  return `event: deployment.updated\ndata: ${JSON.stringify(event)}\nid: ${seq}\n\n`;
}

interface Conn {
  headers: Record<string, string>;
  push(text: string): void;
  close(): void;
}

/**
 * A fake EM: `GET deployments/d-1` answers `state.current`; `GET events` opens a stream (unless `events` says
 * otherwise) that starts with `ready`. `publish` changes the deployment and sends the event on every open stream.
 */
function fakeEm(opts: { events?: 'ok' | 404 | 'unreachable' | 'drop-at-once' | 'silent'; getStatus?: number; onGet?: (n: number) => void } = {}) {
  const state = { current: aDeployment(), seq: 0, history: [] as string[] };
  const conns: Conn[] = [];
  const gets: string[] = [];
  const fetch: StreamFetchLike = async (url, init) => {
    const headers = { get: (n: string) => (n.toLowerCase() === 'content-type' ? (url.includes('/events?') ? 'text/event-stream' : 'application/json') : null) };
    if (url.includes('/events?')) {
      if (opts.events === 'unreachable') throw new TypeError('fetch failed');
      if (opts.events === 404) return { status: 404, ok: false, headers, text: async () => '' };
      const queue: string[] = [];
      let wake: (() => void) | undefined;
      let open = true;
      const conn: Conn = {
        headers: init.headers,
        push: (t) => {
          if (open) queue.push(t);
          wake?.();
        },
        // a dropped connection loses what was still on its way
        close: () => {
          open = false;
          queue.length = 0;
          wake?.();
        },
      };
      init.signal?.addEventListener('abort', conn.close);
      conns.push(conn);
      // as the server: what the client missed (after Last-Event-ID), then `ready`
      const after = init.headers['last-event-id'];
      if (after !== undefined) state.history.slice(Number(after)).forEach(conn.push);
      // a proxy that buffers the stream lets nothing through
      if (opts.events !== 'silent') conn.push('event: ready\ndata: {"filters":{}}\n\n');
      // said `ready`, then went away
      if (opts.events === 'drop-at-once') open = false;
      const body = (async function* () {
        for (;;) {
          const next = queue.shift();
          if (next !== undefined) yield new g.TextEncoder().encode(next);
          else if (!open) return;
          else await new Promise<void>((r) => (wake = r));
        }
      })();
      return { status: 200, ok: true, headers, text: async () => '', body };
    }
    gets.push(url);
    opts.onGet?.(gets.length);
    const status = opts.getStatus ?? 200;
    const body = status === 200 ? state.current : { type: '/problems/not-found', title: 'not-found', status, detail: `deployment '${ID}' does not exist`, code: 'not-found', requestId: 'r-1' };
    return { status, ok: status === 200, headers, text: async () => JSON.stringify(body) };
  };
  const publish = (over: Partial<DeploymentDto>) => {
    state.current = { ...state.current, ...over, Version: state.current.Version + 1 };
    state.seq += 1;
    state.history.push(sseEvent(state.current, state.seq));
    for (const c of conns) c.push(sseEvent(state.current, state.seq));
  };
  const fast = { pollIntervalMs: 1, reconnectDelayMs: 1, idleTimeoutMs: 5_000, readyTimeoutMs: 20 };
  const api = createDeploymentsApi(createTransport({ baseUrl: BASE, fetch }), { baseUrl: BASE, fetch, headers: { authorization: 'Bearer emt_x' } }, fast).deployments;
  return { state, conns, gets, publish, api };
}

/** Follows the deployment, recording what it reports; `steps` run after the n-th report. */
function following(em: ReturnType<typeof fakeEm>, steps: ((seen: DeploymentProgress[]) => void)[], signal?: AbortSignalLike) {
  const seen: DeploymentProgress[] = [];
  const sources: FollowSource[] = [];
  const done = em.api.follow(
    ID,
    (p, source) => {
      seen.push(p);
      sources.push(source);
      // later, as a server would: after the client has handled this one
      g.setTimeout(() => steps[seen.length - 1]?.(seen), 0);
    },
    signal,
  );
  return { seen, sources, done };
}

describe('createSseParser', () => {
  it('splits events cut anywhere, across \\r\\n, and skips comments', () => {
    const p = createSseParser();
    const text = ': heartbeat\r\n\r\nevent: a\r\ndata: {"x":\r\ndata: 1}\r\nid: 7\r\n\r\ndata: plain\n\n';
    const out = [...text].flatMap((ch) => p.push(ch));
    expect(out).toEqual([
      { event: 'a', id: '7', data: '{"x":\n1}' },
      { event: 'message', id: undefined, data: 'plain' },
    ]);
  });
});

describe('deployments client', () => {
  it('sends each call to its route', async () => {
    const calls: { method: string; url: string; body: unknown }[] = [];
    const reply = (body: unknown, headers: Record<string, string> = {}) => ({ status: 200, ok: true, headers: { get: (n: string) => headers[n.toLowerCase()] ?? null }, text: async () => JSON.stringify(body) });
    const client = createClient({
      baseUrl: BASE,
      fetch: async (url, init) => {
        calls.push({ method: init.method, url: url.slice(`${BASE}/api/v1/`.length), body: init.body === undefined ? undefined : JSON.parse(init.body) });
        if (url.includes('dryRun') || init.body?.includes('dryRun')) return reply({ isDryRun: true });
        if (init.method === 'GET' && url.includes('deployments?')) return reply({ items: [] }, url.includes('cursor=c2') ? {} : { 'x-next-cursor': 'c2' });
        return reply(url.endsWith('rollbacks') ? { ...aDeployment(), rolledBackFrom: '1.2.0' } : aDeployment());
      },
    });
    const d = client.deployments;
    await d.request({ environment: 'dev1', service: 'Hello', version: '1.1.0', slice: 'blue', mode: 'bluegreen', serverRole: 'Web' });
    expect((await d.list({ environment: 'dev1', status: ['active', 'failed'], limit: 5 })).nextCursor).toBe('c2');
    for await (const _ of d.listAll({ service: 'Hello' })) expect.unreachable();
    await d.get('d/1');
    await d.cancel(ID);
    await d.redeploy(ID);
    expect((await d.rollback({ environment: 'dev1', service: 'Hello' })).rolledBackFrom).toBe('1.2.0');
    await expect(d.dryRun({ environment: 'dev1', service: 'Hello', version: '1.1.0' })).rejects.toMatchObject({ code: 'invalid-response' });
    expect(calls).toEqual([
      { method: 'POST', url: 'deployments', body: { environment: 'dev1', service: 'Hello', version: '1.1.0', mode: 'bluegreen', slice: 'blue', serverRole: 'Web' } },
      { method: 'GET', url: 'deployments?environment=dev1&status=active%2Cfailed&limit=5', body: undefined },
      { method: 'GET', url: 'deployments?service=Hello', body: undefined },
      { method: 'GET', url: 'deployments?service=Hello&cursor=c2', body: undefined },
      { method: 'GET', url: 'deployments/d%2F1', body: undefined },
      { method: 'PATCH', url: 'deployments/d-1', body: { Status: 'Cancelled' } },
      { method: 'POST', url: 'deployments/d-1/redeploy', body: undefined },
      { method: 'POST', url: 'rollbacks', body: { environment: 'dev1', service: 'Hello' } },
      { method: 'POST', url: 'deployments', body: { environment: 'dev1', service: 'Hello', version: '1.1.0', dryRun: true } },
    ]);
  });
});

describe('deployments.follow', () => {
  it('reads the stream: the current state first, then each change, until the deployment ends', async () => {
    const em = fakeEm();
    const f = following(em, [
      () => em.publish({ status: 'deploying', nodes: [node('In Progress')] }),
      () => {
        em.publish({ status: 'deploying', nodes: [node('In Progress')] }); // the same again: not reported
        em.publish({ status: 'deploying', nodes: [node('Success', { health: 'passing' })] });
      },
      () => em.publish({ status: 'succeeded', nodes: [node('Success', { health: 'passing', log: `${BASE}/api/v1/logs/d-1/i-1.log` })] }),
    ]);
    const final = await f.done;
    expect(final).toMatchObject({ status: 'succeeded', nodes: [{ log: `${BASE}/api/v1/logs/d-1/i-1.log` }] });
    expect(f.seen.map((p) => [p.status, p.nodes[0]?.status])).toEqual([
      ['requested', undefined],
      ['deploying', 'In Progress'],
      ['deploying', 'Success'],
      ['succeeded', 'Success'],
    ]);
    expect(f.sources).toEqual(['stream', 'stream', 'stream', 'stream']);
    expect(em.conns).toHaveLength(1);
    expect(em.conns[0]?.headers).toMatchObject({ accept: 'text/event-stream', authorization: 'Bearer emt_x' });
    // one read when the stream was ready, one at the end (for the log URLs events do not carry)
    expect(em.gets).toHaveLength(2);
  });

  it('reconnects a dropped stream with Last-Event-ID', async () => {
    const em = fakeEm();
    const f = following(em, [
      () => em.publish({ status: 'deploying' }),
      () => {
        em.conns[0]?.close();
        em.publish({ status: 'deploying', nodes: [node('Failed', { failedStage: 'ValidateService', errorReason: 'exit 1' })] });
        g.setTimeout(() => em.publish({ status: 'failed', reason: 'i-1 failed' }), 20);
      },
    ]);
    expect(await f.done).toMatchObject({ status: 'failed', reason: 'i-1 failed' });
    expect(em.conns).toHaveLength(2);
    expect(em.conns[0]?.headers['last-event-id']).toBeUndefined();
    expect(em.conns[1]?.headers['last-event-id']).toBe('1');
    expect(f.seen.map((p) => p.status)).toEqual(['requested', 'deploying', 'deploying', 'failed']);
  });

  it.each(['unreachable', 404] as const)('polls every interval when the stream cannot be opened (%s)', async (events) => {
    // the deployment moves on before the 3rd and the 5th read
    const em = fakeEm({
      events,
      onGet: (n) => {
        if (n === 3) em.publish({ status: 'deploying', nodes: [node('In Progress')] });
        if (n === 5) em.publish({ status: 'succeeded', nodes: [node('Success')] });
      },
    });
    const f = following(em, []);
    expect(await f.done).toMatchObject({ status: 'succeeded' });
    expect(f.seen.map((p) => p.status)).toEqual(['requested', 'deploying', 'succeeded']);
    expect(f.sources).toEqual(['poll', 'poll', 'poll']);
    expect(em.gets).toHaveLength(5);
  });

  it('polls when the stream keeps dropping without news', async () => {
    // each of the 6 connections reads the deployment once it is ready; the 8th read is the second of polling
    const em = fakeEm({ events: 'drop-at-once', onGet: (n) => n === 8 && em.publish({ status: 'cancelled', reason: 'cancelled by bob' }) });
    const f = following(em, []);
    expect(await f.done).toMatchObject({ status: 'cancelled' });
    // the first connection and 5 reconnects, then polling
    expect(em.conns).toHaveLength(6);
    expect(f.sources.at(-1)).toBe('poll');
  });

  it('polls when an open stream does not say `ready` in time (a buffering proxy)', async () => {
    const em = fakeEm({ events: 'silent', onGet: (n) => n === 2 && em.publish({ status: 'succeeded' }) });
    const f = following(em, []);
    expect(await f.done).toMatchObject({ status: 'succeeded' });
    expect(em.conns).toHaveLength(1);
    expect(f.sources).toEqual(['poll', 'poll']);
  });

  it('resolves to undefined when aborted; the deployment goes on', async () => {
    const em = fakeEm();
    const stop = new g.AbortController();
    const f = following(em, [() => em.publish({ status: 'deploying' }), () => stop.abort()], stop.signal);
    expect(await f.done).toBeUndefined();
    expect(f.seen.map((p) => p.status)).toEqual(['requested', 'deploying']);
  });

  it('rejects with the ApiError when the deployment cannot be read', async () => {
    const em = fakeEm({ getStatus: 404 });
    const err = await following(em, []).done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 404, code: 'not-found' });
  });
});
