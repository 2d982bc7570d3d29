import { DependencyUnavailableError } from '@envmgr/domain';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBuiltinRegistry, type BuiltinRegistry } from './builtin-registry.js';
import type { Timers } from './engine/watchers.js';

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A clock and timers that move only when the test says so. */
function manualTime(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  let nextId = 1;
  const pending = new Map<number, { at: number; run: () => void }>();
  const timers: Timers = {
    setTimeout: (run, ms) => {
      const id = nextId++;
      pending.set(id, { at: now + ms, run });
      return id;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  return {
    clock: { now: () => now },
    timers,
    /** Moves time forward by `ms`, firing due timers in order and letting their promises settle. */
    async advance(ms: number): Promise<void> {
      const end = now + ms;
      for (;;) {
        const [due] = [...pending.entries()].filter(([, t]) => t.at <= end).sort((x, y) => x[1].at - y[1].at);
        if (!due) break;
        now = due[1].at;
        pending.delete(due[0]);
        due[1].run();
        await flush();
      }
      now = end;
      await flush();
    },
    delays: (): number[] => [...pending.values()].map((t) => t.at - now),
  };
}

const web = { id: 'dev-web', name: 'dev-web', port: 40000, checks: [{ type: 'ttl' as const, id: 'ttl', ttlMs: 30_000 }] };

describe('built-in registry', () => {
  let dir: string;
  let path: string;
  const open: BuiltinRegistry[] = [];
  const openRegistry = (opts: Partial<Parameters<typeof createBuiltinRegistry>[0]> = {}): BuiltinRegistry => {
    const registry = createBuiltinRegistry({ path, ...opts });
    open.push(registry);
    return registry;
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'envmgr-registry-unit-'));
    path = join(dir, 'registry.db');
  });
  afterEach(async () => {
    for (const r of open.splice(0)) await r.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps KV, services, checks and indexes across a reopen', async () => {
    const time = manualTime();
    const first = openRegistry(time);
    await first.kvPut('environments/dev/roles/web', '{"v":1}', { flags: 7 });
    const a = first.asNode({ name: 'node-a', address: '10.0.0.1' });
    await a.registerService(web);
    await a.passCheck('ttl', 'fine');
    await a.setServiceMaintenance('dev-web', true, 'patching');
    const kvBefore = await first.kvGet('environments/dev/roles/web');
    const healthBefore = await first.healthService('dev-web');
    await first.close();

    const second = openRegistry(time);
    expect(await second.kvGet('environments/dev/roles/web')).toEqual(kvBefore);
    expect(await second.healthService('dev-web')).toEqual(healthBefore);
    expect((await second.catalogNodes()).value).toEqual([{ node: 'node-a', address: '10.0.0.1' }]);
    await second.kvPut('environments/dev/roles/web', '{"v":2}');
    expect((await second.kvGet('environments/dev/roles/web')).index).toBeGreaterThan(healthBefore.index);
  });

  it('refuses a second open of the same file while the first holds it', () => {
    openRegistry();
    expect(() => openRegistry()).toThrow(DependencyUnavailableError);
  });

  it('expires a TTL check on its deadline, with Consul output, and wakes a health watch', async () => {
    const time = manualTime();
    const registry = openRegistry(time);
    await registry.registerService(web);
    await registry.passCheck('ttl', 'HTTP 200');
    const { index } = await registry.healthService('dev-web');
    const watch = registry.healthService('dev-web', { index, waitMs: 300_000 });
    await time.advance(29_999);
    expect((await registry.healthNode('envmgr')).value[0]?.status).toBe('passing');
    await time.advance(1);
    const woken = await watch;
    expect(woken.index).toBeGreaterThan(index);
    expect(woken.value[0]?.checks[0]).toMatchObject({ status: 'critical', output: 'TTL expired (last output before timeout follows): HTTP 200' });
  });

  it('restarts the TTL on each report, and expires deadlines that passed while closed on open', async () => {
    const time = manualTime();
    const registry = openRegistry(time);
    await registry.registerService(web);
    for (let i = 0; i < 5; i++) {
      await registry.passCheck('ttl');
      await time.advance(20_000);
    }
    expect((await registry.healthNode('envmgr')).value[0]?.status).toBe('passing');
    await registry.close();
    await time.advance(60_000);
    const reopened = openRegistry(time);
    expect((await reopened.healthNode('envmgr')).value[0]).toMatchObject({ status: 'critical', output: 'TTL expired' });
  });

  it('caps a blocking wait at 10 minutes and returns it with the same index', async () => {
    const time = manualTime();
    const registry = openRegistry(time);
    await registry.kvPut('k', 'v');
    const { index } = await registry.kvGet('k');
    let settled = false;
    const watch = registry.kvGet('k', { index, waitMs: 3_600_000 }).finally(() => (settled = true));
    await flush();
    expect(time.delays()).toEqual([600_000]);
    await time.advance(599_999);
    expect(settled).toBe(false);
    await time.advance(1);
    expect((await watch).index).toBe(index);
  });

  it('returns at once for an index from another history (newer than the current one)', async () => {
    const registry = openRegistry(manualTime());
    await registry.kvPut('k', 'v');
    const { index } = await registry.kvGet('k');
    expect((await registry.kvGet('k', { index: index + 1000, waitMs: 60_000 })).index).toBe(index);
  });

  it("keeps a prefix's index from going backwards when its newest key is deleted", async () => {
    const registry = openRegistry();
    await registry.kvPut('p/a', '1');
    await registry.kvPut('p/b', '2');
    const before = await registry.kvList('p/');
    await registry.kvDelete('p/b');
    const after = await registry.kvList('p/');
    expect(after.value.map((e) => e.key)).toEqual(['p/a']);
    expect(after.index).toBeGreaterThan(before.index);
    expect((await registry.kvGet('p/b')).index).toBe(after.index);
  });

  it('ends pending blocking reads on close, and refuses calls afterwards', async () => {
    const registry = openRegistry();
    await registry.kvPut('k', 'v');
    const { index } = await registry.kvGet('k');
    const watch = registry.kvGet('k', { index, waitMs: 60_000 });
    await flush();
    await registry.close();
    expect((await watch).value?.value).toBe('v');
    await expect(registry.kvGet('k')).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it("records a node's new address and wakes watchers of its services", async () => {
    const registry = openRegistry();
    await registry.asNode({ name: 'n1', address: '10.0.0.1' }).registerService(web);
    const { index } = await registry.catalogService('dev-web');
    const watch = registry.catalogService('dev-web', { index, waitMs: 60_000 });
    await registry.asNode({ name: 'n1', address: '10.0.0.9' }).registerService(web);
    const got = await watch;
    expect(got.value.map((e) => e.node)).toEqual([{ node: 'n1', address: '10.0.0.9' }]);
  });
});
