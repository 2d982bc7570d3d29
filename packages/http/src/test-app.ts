import { createHash } from 'node:crypto';
import { createMemoryConfigStore } from '@envmgr/adapter-memory';
import type { ConfigStore } from '@envmgr/ports';
import { aFixedClock, sequentialIds } from '@envmgr/test-support';
import { createHttpApp } from './app.js';
import type { App, HttpLogger } from './context.js';

export interface TestApp {
  app: App;
  store: ConfigStore;
  clock: ReturnType<typeof aFixedClock>;
  errors: Record<string, unknown>[];
  call(method: string, path: string, opts?: { body?: unknown; headers?: Record<string, string>; raw?: string }): Promise<{ status: number; headers: Headers; body: any }>;
}

/** The HTTP app over memory adapters, with a helper to call it; for API tests. */
export function aTestApp(opts: { store?: ConfigStore; maxBodyBytes?: number } = {}): TestApp {
  const store = opts.store ?? createMemoryConfigStore();
  const clock = aFixedClock(Date.UTC(2026, 10, 23, 12));
  const errors: Record<string, unknown>[] = [];
  const logger: HttpLogger = { info: () => undefined, warn: () => undefined, error: (o) => void errors.push(o) };
  const app = createHttpApp({
    config: { store, clock, hasher: { sha256: (t) => createHash('sha256').update(t).digest('hex') } },
    ids: sequentialIds('req'),
    logger,
    authenticate: (c) => Promise.resolve({ name: c.req.header('x-test-user') ?? 'tester' }),
    ...(opts.maxBodyBytes ? { maxBodyBytes: opts.maxBodyBytes } : {}),
  });
  return {
    app,
    store,
    clock,
    errors,
    async call(method, path, o = {}) {
      const hasBody = o.body !== undefined || o.raw !== undefined;
      const res = await app.request(path, {
        method,
        headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...o.headers },
        ...(hasBody ? { body: o.raw ?? JSON.stringify(o.body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
    },
  };
}
