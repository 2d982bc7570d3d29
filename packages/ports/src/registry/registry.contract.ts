import { NotFoundError, RegistryValueTooLargeError, ValidationError } from '@envmgr/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HealthCheck, Registry, ServiceHealth, ServiceRegistration } from './registry.js';
import { REGISTRY_MAX_VALUE_BYTES } from './registry-rules.js';

/** A client of the registry acting as one node, with the name and address the registry knows it by. */
export interface RegistryNodeClient {
  registry: Registry;
  node: string;
  address: string;
}

export interface RegistryFixture {
  /** A client acting as node A of a fresh, empty registry. */
  a: RegistryNodeClient;
  /** A client of the same registry acting as another node B (node name and address differ from A's). */
  b: RegistryNodeClient;
  dispose(): Promise<void>;
}

/** A TTL short enough to expire within a test, long enough not to expire between two calls. */
const SHORT_TTL_MS = 400;
/** Blocking waits in tests: long enough to see a wake-up come first, short enough to keep tests quick. */
const WAIT_MS = 400;

const webOn = (id: string, port: number, extra: Partial<ServiceRegistration> = {}): ServiceRegistration => ({
  id,
  name: 'dev-web',
  tags: ['version:1.0.0'],
  port,
  meta: { deployment_id: 'd-1' },
  checks: [{ type: 'ttl', id: `${id}:health`, name: 'health', ttlMs: 60_000 }],
  ...extra,
});

const checkOf = (checks: HealthCheck[], id: string): HealthCheck | undefined => checks.find((c) => c.checkId === id);
const nodesOf = (entries: ServiceHealth[]): string[] => entries.map((e) => e.node.node);
const timed = async <T>(work: Promise<T>): Promise<{ result: T; ms: number }> => {
  const start = performance.now();
  const result = await work;
  return { result, ms: performance.now() - start };
};
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The behaviour every Registry adapter shares, in Consul's semantics. Call it from each adapter's
 * `*.contract.test.ts`. It uses real time with short TTLs and waits (≤ 1 s per test).
 */
export function registryContract(name: string, setup: () => Promise<RegistryFixture>): void {
  describe(`Registry contract: ${name}`, () => {
    let f: RegistryFixture;
    let reg: Registry;
    beforeEach(async () => {
      f = await setup();
      reg = f.a.registry;
    });
    afterEach(() => f.dispose());

    describe('KV', () => {
      it('reads a missing key as undefined with an index of at least 1', async () => {
        const got = await reg.kvGet('nope/missing');
        expect(got.value).toBeUndefined();
        expect(got.index).toBeGreaterThanOrEqual(1);
      });

      it('writes, reads back with indexes, and keeps createIndex across updates', async () => {
        expect(await reg.kvPut('environments/dev/roles/web', 'one')).toBe(true);
        const first = await reg.kvGet('environments/dev/roles/web');
        expect(first.value).toMatchObject({ key: 'environments/dev/roles/web', value: 'one', flags: 0, lockIndex: 0 });
        expect(first.value?.createIndex).toBe(first.value?.modifyIndex);
        expect(first.index).toBe(first.value?.modifyIndex);
        expect(await reg.kvPut('environments/dev/roles/web', 'two', { flags: 42 })).toBe(true);
        const second = await reg.kvGet('environments/dev/roles/web');
        expect(second.value).toMatchObject({ value: 'two', flags: 42, createIndex: first.value?.createIndex });
        expect(second.value?.modifyIndex).toBeGreaterThan(first.value?.modifyIndex ?? Infinity);
      });

      it('keeps UTF-8 text intact and reads an empty value as an empty string', async () => {
        const text = 'héllo ✓ 🚀 {"a":[1,2]}\n';
        await reg.kvPut('t/unicode', text);
        await reg.kvPut('t/empty', '');
        expect((await reg.kvGet('t/unicode')).value?.value).toBe(text);
        expect((await reg.kvGet('t/empty')).value?.value).toBe('');
      });

      it('gives every write an index greater than any read before it', async () => {
        const seen: number[] = [(await reg.kvGet('seq/a')).index];
        for (const v of ['1', '2', '3']) {
          await reg.kvPut('seq/a', v);
          seen.push((await reg.kvGet('seq/a')).index);
        }
        await reg.kvDelete('seq/a');
        await reg.kvPut('seq/b', 'x');
        seen.push((await reg.kvList('seq/')).index);
        for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1] ?? Infinity);
      });

      it('check-and-sets: 0 creates only when absent, otherwise the current modifyIndex wins', async () => {
        expect(await reg.kvPut('lock/a', 'first', { cas: 0 })).toBe(true);
        expect(await reg.kvPut('lock/a', 'second', { cas: 0 })).toBe(false);
        const { value } = await reg.kvGet('lock/a');
        const index = value?.modifyIndex ?? 0;
        expect(await reg.kvPut('lock/a', 'stale', { cas: index + 1000 })).toBe(false);
        expect(await reg.kvPut('lock/a', 'third', { cas: index })).toBe(true);
        expect(await reg.kvPut('lock/a', 'again', { cas: index })).toBe(false);
        expect((await reg.kvGet('lock/a')).value?.value).toBe('third');
      });

      it('deletes a key, a missing key, and by check-and-set', async () => {
        await reg.kvPut('del/a', 'x');
        const index = (await reg.kvGet('del/a')).value?.modifyIndex ?? 0;
        expect(await reg.kvDelete('del/a', { cas: 0 })).toBe(false);
        expect(await reg.kvDelete('del/a', { cas: index + 1000 })).toBe(false);
        expect((await reg.kvGet('del/a')).value).toBeDefined();
        expect(await reg.kvDelete('del/a', { cas: index })).toBe(true);
        expect((await reg.kvGet('del/a')).value).toBeUndefined();
        expect(await reg.kvDelete('del/a')).toBe(true);
        await reg.kvPut('del/b', 'x');
        expect(await reg.kvDelete('del/b')).toBe(true);
        expect((await reg.kvGet('del/b')).value).toBeUndefined();
      });

      it('deletes a whole prefix with recurse, and refuses recurse with cas', async () => {
        for (const k of ['app/a', 'app/b/c', 'apps/x', 'other']) await reg.kvPut(k, k);
        expect(await reg.kvDelete('app/', { recurse: true })).toBe(true);
        expect((await reg.kvKeys('')).value).toEqual(['apps/x', 'other']);
        await expect(reg.kvDelete('apps/', { recurse: true, cas: 1 })).rejects.toBeInstanceOf(ValidationError);
      });

      it('lists entries under a prefix in key order, all with an empty prefix, [] when none', async () => {
        for (const k of ['r/b', 'r/a/2', 'r/a/1', 'rx', 's/1']) await reg.kvPut(k, `v-${k}`);
        const list = await reg.kvList('r/');
        expect(list.value.map((e) => [e.key, e.value])).toEqual([
          ['r/a/1', 'v-r/a/1'],
          ['r/a/2', 'v-r/a/2'],
          ['r/b', 'v-r/b'],
        ]);
        expect(list.index).toBe(Math.max(...list.value.map((e) => e.modifyIndex)));
        expect((await reg.kvList('')).value.map((e) => e.key)).toEqual(['r/a/1', 'r/a/2', 'r/b', 'rx', 's/1']);
        const none = await reg.kvList('nothing/here/');
        expect(none.value).toEqual([]);
        expect(none.index).toBeGreaterThanOrEqual(1);
      });

      it('lists keys, folded at a separator', async () => {
        for (const k of ['k/a/1', 'k/a/2', 'k/b', 'k/c/d/e', 'kk']) await reg.kvPut(k, '');
        expect((await reg.kvKeys('k/')).value).toEqual(['k/a/1', 'k/a/2', 'k/b', 'k/c/d/e']);
        expect((await reg.kvKeys('k/', { separator: '/' })).value).toEqual(['k/a/', 'k/b', 'k/c/']);
        expect((await reg.kvKeys('', { separator: '/' })).value).toEqual(['k/', 'kk']);
        expect((await reg.kvKeys('none/')).value).toEqual([]);
      });

      it('refuses invalid keys with ValidationError', async () => {
        await expect(reg.kvGet('')).rejects.toBeInstanceOf(ValidationError);
        await expect(reg.kvPut('', 'x')).rejects.toBeInstanceOf(ValidationError);
        await expect(reg.kvPut('/leading', 'x')).rejects.toBeInstanceOf(ValidationError);
        await expect(reg.kvGet('/leading')).rejects.toBeInstanceOf(ValidationError);
        await expect(reg.kvPut('has space', 'x')).rejects.toBeInstanceOf(ValidationError);
        await expect(reg.kvList('/x/')).rejects.toBeInstanceOf(ValidationError);
        await expect(reg.kvDelete('')).rejects.toBeInstanceOf(ValidationError);
        expect((await reg.kvKeys('')).value).toEqual([]);
      });

      it('accepts a value of exactly 512 KiB and refuses one byte more', async () => {
        const max = 'x'.repeat(REGISTRY_MAX_VALUE_BYTES);
        expect(await reg.kvPut('big/max', max)).toBe(true);
        expect((await reg.kvGet('big/max')).value?.value.length).toBe(REGISTRY_MAX_VALUE_BYTES);
        await expect(reg.kvPut('big/over', `${max}y`)).rejects.toBeInstanceOf(RegistryValueTooLargeError);
        // counted in UTF-8 bytes, not characters
        await expect(reg.kvPut('big/wide', 'é'.repeat(REGISTRY_MAX_VALUE_BYTES / 2 + 1))).rejects.toBeInstanceOf(RegistryValueTooLargeError);
        expect((await reg.kvGet('big/over')).value).toBeUndefined();
      });
    });

    describe('blocking KV reads', () => {
      it('return at once without an index, or with an index older than the current one', async () => {
        await reg.kvPut('b/now', '1');
        const { index } = await reg.kvGet('b/now');
        await reg.kvPut('b/now', '2');
        const { result, ms } = await timed(reg.kvGet('b/now', { index, waitMs: 5000 }));
        expect(result.value?.value).toBe('2');
        expect(result.index).toBeGreaterThan(index);
        expect(ms).toBeLessThan(1000);
      });

      it('wakes a key watch on a write of that key', async () => {
        await reg.kvPut('b/key', 'old');
        const { index } = await reg.kvGet('b/key');
        const watch = timed(reg.kvGet('b/key', { index, waitMs: 5000 }));
        await delay(50);
        await reg.kvPut('b/key', 'new');
        const { result, ms } = await watch;
        expect(result.value?.value).toBe('new');
        expect(result.index).toBeGreaterThan(index);
        expect(ms).toBeLessThan(2000);
      });

      it('wakes a key watch when a missing key is created', async () => {
        const { index } = await reg.kvGet('b/later');
        const watch = reg.kvGet('b/later', { index, waitMs: 5000 });
        await delay(50);
        await reg.kvPut('b/later', 'here');
        expect((await watch).value?.value).toBe('here');
      });

      it('wakes a prefix watch on a write, and on a delete, anywhere under the prefix', async () => {
        await reg.kvPut('env/dev/roles/web/services/a/none', '1');
        const first = await reg.kvList('env/dev/roles/web/');
        const onWrite = reg.kvList('env/dev/roles/web/', { index: first.index, waitMs: 5000 });
        await delay(50);
        await reg.kvPut('env/dev/roles/web/services/b/blue', '2');
        const second = await onWrite;
        expect(second.value.map((e) => e.key)).toEqual(['env/dev/roles/web/services/a/none', 'env/dev/roles/web/services/b/blue']);
        expect(second.index).toBeGreaterThan(first.index);

        const onDelete = reg.kvKeys('env/dev/roles/web/', { index: second.index, waitMs: 5000 });
        await delay(50);
        await reg.kvDelete('env/dev/roles/web/services/a/none');
        const third = await onDelete;
        expect(third.value).toEqual(['env/dev/roles/web/services/b/blue']);
        expect(third.index).toBeGreaterThan(second.index);
      });

      it('is not woken by writes outside its prefix, and times out after waitMs with the same index', async () => {
        await reg.kvPut('mine/a', '1');
        const { index } = await reg.kvList('mine/');
        const watch = timed(reg.kvList('mine/', { index, waitMs: WAIT_MS }));
        await delay(50);
        await reg.kvPut('theirs/a', '1');
        await reg.kvPut('minefield', '1');
        const { result, ms } = await watch;
        expect(result.index).toBe(index);
        expect(result.value.map((e) => e.key)).toEqual(['mine/a']);
        expect(ms).toBeGreaterThanOrEqual(WAIT_MS * 0.9);
      });

      it('stops waiting when its signal aborts', async () => {
        await reg.kvPut('abort/a', '1');
        const { index } = await reg.kvGet('abort/a');
        const controller = new AbortController();
        const watch = reg.kvGet('abort/a', { index, waitMs: 60_000, signal: controller.signal });
        await delay(50);
        controller.abort();
        await expect(watch).rejects.toBeDefined();
        await reg.kvPut('abort/a', '2'); // the registry still works after an aborted watch
        expect((await reg.kvGet('abort/a')).value?.value).toBe('2');
      });
    });

    describe('catalog and health', () => {
      it('shows a registered service in the catalog and health, and removes it on deregistration', async () => {
        await reg.registerService(webOn('dev-web', 40000, { tags: ['version:1.0.0', 'slice:none'] }));
        const services = await reg.catalogServices();
        expect(services.value).toContainEqual({ name: 'dev-web', tags: ['slice:none', 'version:1.0.0'] });
        const catalog = await reg.catalogService('dev-web');
        expect(catalog.value).toEqual([
          {
            node: { node: f.a.node, address: f.a.address },
            service: { id: 'dev-web', name: 'dev-web', tags: ['version:1.0.0', 'slice:none'], address: '', port: 40000, meta: { deployment_id: 'd-1' } },
          },
        ]);
        expect((await reg.catalogNodes()).value).toContainEqual({ node: f.a.node, address: f.a.address });
        const health = await reg.healthService('dev-web');
        expect(health.value).toHaveLength(1);
        expect(checkOf(health.value[0]?.checks ?? [], 'dev-web:health')).toMatchObject({
          node: f.a.node,
          name: 'health',
          status: 'critical',
          serviceId: 'dev-web',
          serviceName: 'dev-web',
          type: 'ttl',
        });

        expect(await reg.deregisterService('dev-web')).toBe(true);
        expect((await reg.catalogService('dev-web')).value).toEqual([]);
        expect((await reg.healthService('dev-web')).value).toEqual([]);
        expect((await reg.catalogServices()).value.map((s) => s.name)).not.toContain('dev-web');
        expect(checkOf((await reg.healthNode(f.a.node)).value, 'dev-web:health')).toBeUndefined();
        expect(await reg.deregisterService('dev-web')).toBe(false);
      });

      it('names checks as Consul does when the registration gives no id or name', async () => {
        await reg.registerService({ id: 'one', name: 'svc-one', checks: [{ type: 'ttl', ttlMs: 60_000 }] });
        await reg.registerService({
          id: 'two',
          name: 'svc-two',
          checks: [
            { type: 'ttl', ttlMs: 60_000 },
            { type: 'ttl', ttlMs: 60_000, status: 'passing' },
          ],
        });
        const one = (await reg.healthService('svc-one')).value[0]?.checks ?? [];
        expect(checkOf(one, 'service:one')).toMatchObject({ name: "Service 'svc-one' check", status: 'critical' });
        const two = (await reg.healthService('svc-two')).value[0]?.checks ?? [];
        expect(checkOf(two, 'service:two:1')?.status).toBe('critical');
        expect(checkOf(two, 'service:two:2')?.status).toBe('passing');
      });

      it('stores http and script checks with their definitions', async () => {
        await reg.registerService({
          id: 'defs',
          name: 'svc-defs',
          port: 40010,
          checks: [
            { type: 'http', id: 'defs:http', name: 'http', url: 'http://127.0.0.1:40010/health', intervalMs: 10_000, timeoutMs: 2000 },
            { type: 'ttl', id: 'defs:ttl', name: 'reported', ttlMs: 60_000, notes: 'the agent runs GET /health every 10s' },
          ],
        });
        const checks = (await reg.healthService('svc-defs')).value[0]?.checks ?? [];
        expect(checkOf(checks, 'defs:http')).toMatchObject({ type: 'http', definition: { url: 'http://127.0.0.1:40010/health', intervalMs: 10_000, timeoutMs: 2000 } });
        expect(checkOf(checks, 'defs:ttl')).toMatchObject({ type: 'ttl', notes: 'the agent runs GET /health every 10s' });
      });

      it('reports TTL checks as passing, warning and critical, and filters with passing', async () => {
        await reg.registerService(webOn('dev-web', 40000));
        await reg.passCheck('dev-web:health', 'HTTP 200 in 3 ms');
        let health = await reg.healthService('dev-web');
        expect(checkOf(health.value[0]?.checks ?? [], 'dev-web:health')).toMatchObject({ status: 'passing', output: 'HTTP 200 in 3 ms' });
        expect((await reg.healthService('dev-web', { passing: true })).value).toHaveLength(1);

        await reg.warnCheck('dev-web:health', 'slow');
        health = await reg.healthService('dev-web');
        expect(checkOf(health.value[0]?.checks ?? [], 'dev-web:health')).toMatchObject({ status: 'warning', output: 'slow' });
        expect((await reg.healthService('dev-web', { passing: true })).value).toEqual([]);

        await reg.failCheck('dev-web:health', 'HTTP 500');
        health = await reg.healthService('dev-web');
        expect(checkOf(health.value[0]?.checks ?? [], 'dev-web:health')).toMatchObject({ status: 'critical', output: 'HTTP 500' });
        expect((await reg.healthService('dev-web', { passing: true })).value).toEqual([]);
        expect(checkOf((await reg.healthNode(f.a.node)).value, 'dev-web:health')?.status).toBe('critical');
      });

      it('refuses to report a check that is unknown or not a TTL check', async () => {
        await reg.registerService({
          id: 'h',
          name: 'svc-h',
          checks: [{ type: 'http', id: 'h:http', url: 'http://127.0.0.1:1/health', intervalMs: 10_000 }],
        });
        await expect(reg.passCheck('no-such-check')).rejects.toBeInstanceOf(NotFoundError);
        await expect(reg.passCheck('h:http')).rejects.toBeInstanceOf(NotFoundError);
      });

      it('turns a TTL check critical when its TTL expires, waking a blocking health read', async () => {
        await reg.registerService(webOn('dev-web', 40000, { checks: [{ type: 'ttl', id: 'ttl', ttlMs: SHORT_TTL_MS }] }));
        await reg.passCheck('ttl', 'fine');
        const passing = await reg.healthService('dev-web', { passing: true });
        expect(passing.value).toHaveLength(1);
        const { result, ms } = await timed(reg.healthService('dev-web', { index: passing.index, waitMs: 5000 }));
        expect(ms).toBeLessThan(SHORT_TTL_MS + 1500);
        expect(result.index).toBeGreaterThan(passing.index);
        expect(checkOf(result.value[0]?.checks ?? [], 'ttl')).toMatchObject({ status: 'critical' });
        expect(checkOf(result.value[0]?.checks ?? [], 'ttl')?.output).toMatch(/^TTL expired/);
        expect((await reg.healthService('dev-web', { passing: true })).value).toEqual([]);
      });

      it('keeps a TTL check alive while reports arrive within the TTL', async () => {
        await reg.registerService(webOn('dev-web', 40000, { checks: [{ type: 'ttl', id: 'ttl', ttlMs: SHORT_TTL_MS }] }));
        for (let i = 0; i < 4; i++) {
          await reg.passCheck('ttl', 'fine');
          await delay(SHORT_TTL_MS / 2);
        }
        expect(checkOf((await reg.healthNode(f.a.node)).value, 'ttl')?.status).toBe('passing');
      });

      it('wakes a blocking health read when a check changes, and not for a report that changes nothing', async () => {
        await reg.registerService(webOn('dev-web', 40000));
        await reg.passCheck('dev-web:health', 'ok');
        const { index } = await reg.healthService('dev-web');
        const quiet = timed(reg.healthService('dev-web', { index, waitMs: WAIT_MS }));
        await delay(50);
        await reg.passCheck('dev-web:health', 'ok');
        const same = await quiet;
        expect(same.result.index).toBe(index);
        expect(same.ms).toBeGreaterThanOrEqual(WAIT_MS * 0.9);

        const watch = reg.healthService('dev-web', { index, waitMs: 5000 });
        await delay(50);
        await reg.failCheck('dev-web:health', 'down');
        const changed = await watch;
        expect(changed.index).toBeGreaterThan(index);
        expect(checkOf(changed.value[0]?.checks ?? [], 'dev-web:health')?.status).toBe('critical');
      });

      it('wakes a blocking catalog read when a service registers', async () => {
        const { index } = await reg.catalogService('dev-web');
        const watch = reg.catalogService('dev-web', { index, waitMs: 5000 });
        await delay(50);
        await reg.registerService(webOn('dev-web', 40000));
        const got = await watch;
        expect(got.value.map((e) => e.service.id)).toEqual(['dev-web']);
        expect(got.index).toBeGreaterThan(index);
      });

      it('puts a service in maintenance with a critical check, and takes it out', async () => {
        await reg.registerService(webOn('dev-web', 40000));
        await reg.passCheck('dev-web:health');
        expect((await reg.healthService('dev-web', { passing: true })).value).toHaveLength(1);

        await reg.setServiceMaintenance('dev-web', true, 'patching the kernel');
        await reg.setServiceMaintenance('dev-web', true, 'a second reason is ignored');
        const checks = (await reg.healthService('dev-web')).value[0]?.checks ?? [];
        expect(checkOf(checks, '_service_maintenance:dev-web')).toMatchObject({
          status: 'critical',
          notes: 'patching the kernel',
          serviceId: 'dev-web',
          serviceName: 'dev-web',
          type: 'maintenance',
        });
        expect((await reg.healthService('dev-web', { passing: true })).value).toEqual([]);

        await reg.setServiceMaintenance('dev-web', false);
        await reg.setServiceMaintenance('dev-web', false);
        expect(checkOf((await reg.healthService('dev-web')).value[0]?.checks ?? [], '_service_maintenance:dev-web')).toBeUndefined();
        expect((await reg.healthService('dev-web', { passing: true })).value).toHaveLength(1);
        await expect(reg.setServiceMaintenance('ghost', true)).rejects.toBeInstanceOf(NotFoundError);
      });

      it('replaces a service and its checks on re-registration, keeping the state of checks that stay', async () => {
        await reg.registerService(
          webOn('dev-web', 40000, {
            checks: [
              { type: 'ttl', id: 'keep', ttlMs: 60_000 },
              { type: 'ttl', id: 'drop', ttlMs: 60_000 },
            ],
          }),
        );
        await reg.passCheck('keep', 'still fine');
        await reg.registerService(webOn('dev-web', 40001, { tags: ['version:1.1.0'], checks: [{ type: 'ttl', id: 'keep', ttlMs: 60_000 }] }));
        const [entry] = (await reg.healthService('dev-web')).value;
        expect(entry?.service).toMatchObject({ port: 40001, tags: ['version:1.1.0'] });
        expect(checkOf(entry?.checks ?? [], 'keep')).toMatchObject({ status: 'passing', output: 'still fine' });
        expect(checkOf(entry?.checks ?? [], 'drop')).toBeUndefined();
        expect((await reg.catalogServices()).value).toContainEqual({ name: 'dev-web', tags: ['version:1.1.0'] });
      });

      it('keeps instances of one service on two nodes apart', async () => {
        const b = f.b.registry;
        await reg.registerService(webOn('dev-web', 40000));
        await b.registerService(webOn('dev-web', 40002, { tags: ['version:1.1.0'] }));
        await b.passCheck('dev-web:health', 'b is fine');

        const catalog = (await reg.catalogService('dev-web')).value;
        expect(catalog.map((e) => [e.node.node, e.node.address, e.service.port])).toEqual(
          [
            [f.a.node, f.a.address, 40000],
            [f.b.node, f.b.address, 40002],
          ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
        );
        expect((await b.catalogServices()).value).toContainEqual({ name: 'dev-web', tags: ['version:1.0.0', 'version:1.1.0'] });
        expect((await reg.catalogNodes()).value).toEqual(
          expect.arrayContaining([
            { node: f.a.node, address: f.a.address },
            { node: f.b.node, address: f.b.address },
          ]),
        );
        expect(nodesOf((await reg.healthService('dev-web', { passing: true })).value)).toEqual([f.b.node]);
        expect(checkOf((await reg.healthNode(f.a.node)).value, 'dev-web:health')?.status).toBe('critical');
        expect(checkOf((await reg.healthNode(f.b.node)).value, 'dev-web:health')?.output).toBe('b is fine');

        expect(await b.deregisterService('dev-web')).toBe(true);
        expect(nodesOf((await reg.healthService('dev-web')).value)).toEqual([f.a.node]);
        expect((await reg.healthNode('no-such-node')).value).toEqual([]);
      });

      it('refuses invalid registrations with ValidationError', async () => {
        await expect(reg.registerService({ id: '', name: 'x' })).rejects.toBeInstanceOf(ValidationError);
        await expect(reg.registerService({ id: 'x', name: '' })).rejects.toBeInstanceOf(ValidationError);
        await expect(reg.registerService({ id: 'x', name: 'x', port: -1 })).rejects.toBeInstanceOf(ValidationError);
        await expect(reg.registerService({ id: 'x', name: 'x', checks: [{ type: 'ttl', ttlMs: 0 }] })).rejects.toBeInstanceOf(ValidationError);
        await expect(
          reg.registerService({
            id: 'x',
            name: 'x',
            checks: [
              { type: 'ttl', id: 'same', ttlMs: 1000 },
              { type: 'ttl', id: 'same', ttlMs: 1000 },
            ],
          }),
        ).rejects.toBeInstanceOf(ValidationError);
        expect((await reg.catalogService('x')).value).toEqual([]);
      });
    });
  });
}
