import { createHash } from 'node:crypto';
import { createMemoryConfigStore, createMemoryCredentialStore } from '@envmgr/adapter-memory';
import type { IdentityDeps, NotificationDeps } from '@envmgr/app';
import type { Actor } from '@envmgr/domain';
import type { Context } from 'hono';
import type { ConfigStore, PackageStore } from '@envmgr/ports';
import { createMemoryBlobStore, createMemoryPackageStore } from '@envmgr/ports/testing';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aFixedClock, sequentialIds } from '@envmgr/test-support';
import { createHttpApp } from './app.js';
import type { App, HttpLogger, RuntimeHttpDeps } from './context.js';
import type { SchedulingHttpDeps } from './scheduling/schedule-http-deps.js';

export interface TestApp {
  app: App;
  identity: IdentityDeps;
  store: ConfigStore;
  clock: ReturnType<typeof aFixedClock>;
  errors: Record<string, unknown>[];
  /** Every log line the app wrote, with its message. */
  logs: Record<string, unknown>[];
  // API tests walk response JSON freely; a precise type per route would only restate each schema
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(method: string, path: string, opts?: { body?: unknown; headers?: Record<string, string>; raw?: string }): Promise<{ status: number; headers: Headers; body: any }>;
}

/** The HTTP app over memory adapters, with a helper to call it; for API tests. */
export function aTestApp(
  opts: {
    store?: ConfigStore;
    maxBodyBytes?: number;
    identity?: IdentityDeps;
    realAuth?: boolean;
    runtime?: RuntimeHttpDeps;
    packageStore?: PackageStore;
    scheduling?: SchedulingHttpDeps;
    webRoot?: string;
    notifications?: NotificationDeps;
    wakeNotifier?: () => void;
  } = {},
): TestApp {
  const store = opts.store ?? createMemoryConfigStore();
  const clock = aFixedClock(Date.UTC(2026, 10, 23, 12));
  const errors: Record<string, unknown>[] = [];
  const logs: Record<string, unknown>[] = [];
  const logger: HttpLogger = {
    info: (o, msg) => void logs.push({ ...o, msg }),
    warn: (o, msg) => void logs.push({ ...o, msg }),
    error: (o, msg) => {
      errors.push(o);
      logs.push({ ...o, msg });
    },
  };
  const identity = opts.identity ?? aTestIdentity(store, clock);
  const app = createHttpApp({
    config: { store, clock, hasher: { sha256: (t) => createHash('sha256').update(t).digest('hex') }, credentials: identity.credentials },
    ids: sequentialIds('req'),
    logger,
    identity,
    packages: { store: opts.packageStore ?? createMemoryPackageStore(), blobs: createMemoryBlobStore(), stagingDir: join(tmpdir(), 'envmgr-test-staging') },
    // tests act as an administrator named by x-test-user unless they exercise sign-in (opts.realAuth)
    ...(opts.realAuth ? {} : { authenticate: (c: Context) => Promise.resolve(testAdmin(c.req.header('x-test-user') ?? 'tester')) }),
    ...(opts.maxBodyBytes ? { maxBodyBytes: opts.maxBodyBytes } : {}),
    ...(opts.runtime ? { runtime: opts.runtime } : {}),
    ...(opts.scheduling ? { scheduling: opts.scheduling } : {}),
    ...(opts.notifications ? { notifications: opts.notifications } : {}),
    ...(opts.wakeNotifier ? { wakeNotifier: opts.wakeNotifier } : {}),
    ...(opts.webRoot !== undefined ? { webRoot: opts.webRoot } : {}),
  });
  return {
    app,
    identity,
    store,
    clock,
    errors,
    logs,
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

export const testAdmin = (name: string): Actor => ({ name, kind: 'user', user: name, permissions: [{ Resource: '**', Access: 'ADMIN' }] });

/** Identity over memory adapters with fast, fake crypto: passwords are compared as `hash:<password>`. */
export function aTestIdentity(store: ConfigStore, clock: { now(): number }): IdentityDeps {
  let n = 0;
  return {
    store,
    credentials: createMemoryCredentialStore(),
    clock,
    hasher: { sha256: (t) => createHash('sha256').update(t).digest('hex') },
    passwords: { hash: (p) => Promise.resolve(`hash:${p}`), verify: (h, p) => Promise.resolve(h === `hash:${p}`) },
    signer: {
      sign: (claims, ttl) => Promise.resolve(Buffer.from(JSON.stringify({ ...claims, exp: clock.now() + ttl * 1000 })).toString('base64url')),
      verify: (token) => {
        try {
          const c = JSON.parse(Buffer.from(token, 'base64url').toString()) as { sub: string; use: 'session' | 'access'; groups: string[]; exp: number };
          return Promise.resolve(c.exp > clock.now() ? { ok: true as const, claims: { sub: c.sub, use: c.use, groups: c.groups } } : { ok: false as const, reason: 'expired' as const });
        } catch {
          return Promise.resolve({ ok: false as const, reason: 'invalid' as const });
        }
      },
    },
    // secrets with '_' and '-' as base64url has them, so token parsing is exercised on them
    random: { token: (bytes) => `r${++n}_-`.padEnd(Math.ceil((bytes * 4) / 3), 'x') },
    throttle: new Map(),
    accessTokenTtlSeconds: 300,
    sessionTtlSeconds: 43200,
  };
}

/** Creates `docs` ([type, document] pairs, e.g. test-support's `twoTeamsEstate()`) through the API, failing on any non-201. */
export async function seedOverApi(t: TestApp, docs: readonly (readonly [type: string, doc: unknown])[], headers: Record<string, string> = {}): Promise<void> {
  for (const [type, doc] of docs) {
    const r = await t.call('POST', `/api/v1/config/${type}`, { body: doc, headers });
    if (r.status !== 201) throw new TypeError(`seeding ${type} answered ${r.status}: ${JSON.stringify(r.body)}`);
  }
}

