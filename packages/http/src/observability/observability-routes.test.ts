import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryConfigStore } from '@envmgr/adapter-memory';
import { aFixedClock, sequentialIds } from '@envmgr/test-support';
import { createHttpApp } from '../app.js';
import { aTestIdentity } from '../testing.js';
import type { HealthReport, LogFields, RequestObservation } from './observability-deps.js';
import { parseTraceparent } from './trace-context.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function anApp(report: HealthReport, ready = { value: true }) {
  const store = createMemoryConfigStore();
  const clock = aFixedClock(Date.UTC(2026, 0, 5));
  const seen: RequestObservation[] = [];
  const fieldsSeen: Record<string, string | undefined>[] = [];
  const app = createHttpApp({
    config: { store, clock, hasher: { sha256: (t) => createHash('sha256').update(t).digest('hex') } },
    ids: sequentialIds('req'),
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    identity: aTestIdentity(store, clock),
    observability: {
      observeRequest: (r) => void seen.push(r),
      metrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'up 1\n' }),
      health: { check: async () => report, isReady: () => ready.value },
      withLogContext: async (fields: LogFields, run) => {
        try {
          return await run();
        } finally {
          fieldsSeen.push(fields());
        }
      },
    },
  });
  return { app, seen, fieldsSeen, ready };
}

const up: HealthReport = { status: 'ok', checks: [{ name: 'store', status: 'up', latencyMs: 1.2, critical: true }] };
const storeDown: HealthReport = { status: 'down', checks: [{ name: 'store', status: 'down', latencyMs: 2000, critical: true, error: 'no answer within 2000 ms' }] };

describe('observability routes', () => {
  it('reports each dependency; 503 when a critical one is down; liveness stays 200', async () => {
    const ok = anApp(up);
    const r = await ok.app.request('/api/v1/diagnostics/healthcheck');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual(up);
    const down = anApp(storeDown);
    expect((await down.app.request('/api/v1/diagnostics/healthcheck')).status).toBe(503);
    expect((await down.app.request('/api/v1/diagnostics/readiness')).status).toBe(503);
    expect((await down.app.request('/api/v1/diagnostics/liveness')).status).toBe(200);
  });

  it('is not ready while starting, though its dependencies are up', async () => {
    const t = anApp(up, { value: false });
    expect((await t.app.request('/api/v1/diagnostics/readiness')).status).toBe(503);
    t.ready.value = true;
    expect((await t.app.request('/api/v1/diagnostics/readiness')).status).toBe(200);
  });

  it('serves /metrics without credentials and records requests by route template', async () => {
    const t = anApp(up);
    const m = await t.app.request('/metrics');
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toContain('text/plain');
    expect(await m.text()).toBe('up 1\n');
    await t.app.request('/api/v1/deployments/abc-123', { headers: { traceparent: TRACEPARENT } });
    await t.app.request('/api/v1/config/environments/c50');
    expect(t.seen.map((s) => [s.method, s.route, s.status])).toEqual([
      ['GET', '/metrics', 200],
      ['GET', 'unmatched', 404],
      ['GET', '/api/v1/config/environments/:key', 401],
    ]);
    expect(t.fieldsSeen[1]).toMatchObject({ requestId: 'req-2', actor: 'anonymous', deploymentId: 'abc-123', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
  });
});

describe('parseTraceparent', () => {
  it.each([
    [TRACEPARENT, true],
    [TRACEPARENT.toUpperCase(), true],
    ['01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future', true],
    [`${TRACEPARENT}-extra`, false],
    ['ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', false],
    ['00-00000000000000000000000000000000-00f067aa0ba902b7-01', false],
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', false],
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7', false],
    [undefined, false],
  ])('%s → valid %s', (header, valid) => {
    expect(parseTraceparent(header) !== undefined).toBe(valid);
  });
});
