import { NotFoundError, ValidationError } from '@envmgr/domain';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Registry } from './registry.js';
import { SHORT_TTL_MS, WAIT_MS, checkOf, delay, nodesOf, timed, webOn, type RegistryFixture } from './registry-fixtures.contract.js';

/** The catalog, health and agent cases of `registryContract`. */
export function registryCatalogCases(fixture: () => RegistryFixture): void {
  let f: RegistryFixture;
  let reg: Registry;
  beforeEach(() => {
    f = fixture();
    reg = f.a.registry;
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
      const expected = [
        [f.a.node, f.a.address, 40000],
        [f.b.node, f.b.address, 40002],
      ];
      // ordered by node name
      if (f.b.node < f.a.node) expected.reverse();
      expect(catalog.map((e) => [e.node.node, e.node.address, e.service.port])).toEqual(expected);
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
}
