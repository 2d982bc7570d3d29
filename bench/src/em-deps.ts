import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteConfigStore } from '@envmgr/adapter-config-sqlite';
import { createMemoryCredentialStore } from '@envmgr/adapter-memory';
import type { ConfigDeps, IdentityDeps } from '@envmgr/app';
import type { Actor } from '@envmgr/domain';
import { createHttpApp, type App, type HttpLogger } from '@envmgr/http';
import type { ConfigStore } from '@envmgr/ports';

/**
 * The product as apps/server/src/compose.ts wires it with `store: sqlite`: real clock, SHA-256 hasher, random
 * request ids. The one difference is the logger: it discards, because the server's pino writes one access line per
 * request to stdout, and measuring the speed of a terminal is not the point.
 */
export function openSqliteStore(path: string): ConfigStore {
  return createSqliteConfigStore({ path });
}

export function configDeps(store: ConfigStore): ConfigDeps {
  return {
    store,
    clock: { now: () => Date.now() },
    hasher: { sha256: (text) => createHash('sha256').update(text).digest('hex') },
  };
}

const silent: HttpLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function benchHttpApp(store: ConfigStore): App {
  return createHttpApp({
    config: configDeps(store),
    ids: { next: () => randomUUID() },
    logger: silent,
    identity: benchIdentity(store),
    authenticate: () => Promise.resolve(BENCH_ACTOR),
  });
}

/** A fresh directory under the system temp dir, and a function that removes it. */
export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** The benchmark acts as an administrator; sign-in itself (argon2id, JWT) is not what these figures measure. */
export const BENCH_ACTOR: Actor = { name: 'bench', kind: 'user', user: 'bench', permissions: [{ Resource: '**', Access: 'ADMIN' }] };

function benchIdentity(store: ConfigStore): IdentityDeps {
  const never = (): Promise<never> => Promise.reject(new TypeError('sign-in is not part of this benchmark'));
  return {
    credentials: createMemoryCredentialStore(),
    ...configDeps(store),
    passwords: { hash: never, verify: never },
    signer: { sign: never, verify: never },
    random: { token: () => 'bench' },
    throttle: new Map(),
    accessTokenTtlSeconds: 300,
    sessionTtlSeconds: 43200,
  };
}
