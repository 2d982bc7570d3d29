import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryConfigStore } from '@envmgr/adapter-memory';
import type { NotificationDeps } from '@envmgr/app';
import { createMemoryNotificationStore } from '@envmgr/ports';
import { aFixedClock, sequentialIds } from '@envmgr/test-support';
import { aTestApp, type TestApp } from '../testing.js';

const S = '/api/v1/subscriptions';

describe('subscription routes', () => {
  let t: TestApp;
  let deps: NotificationDeps;
  let wakes = 0;
  beforeEach(() => {
    const clock = aFixedClock(Date.UTC(2026, 0, 5));
    deps = {
      store: createMemoryNotificationStore(), config: createMemoryConfigStore(), clock, ids: sequentialIds('sub'), secrets: sequentialIds('whsec'),
      webhooks: { post: async () => ({ ok: true, status: 200 }) }, mailFrom: 'em@example.com', retry: { baseMs: 1, maxDelayMs: 1, maxAttempts: 1 }, webhookTimeoutMs: 1000,
    };
    wakes = 0;
    t = aTestApp({ notifications: deps, wakeNotifier: () => void (wakes += 1) });
  });

  it('a wrong method on /subscriptions/deliveries allows what that route allows, not what /subscriptions/{id} does', async () => {
    const r = await t.call('OPTIONS', '/api/v1/subscriptions/deliveries');
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET');
    expect((await t.call('PATCH', '/api/v1/subscriptions/some-id')).headers.get('allow')).toBe('GET, PUT, DELETE');
  });

  it('refuses a metadata or non-http webhook URL with the field path', async () => {
    for (const url of ['http://169.254.169.254/latest/meta-data', 'http://[fd00:ec2::254]/', 'ftp://hooks.example.com/']) {
      const r = await t.call('POST', S, { body: { name: 'x', eventTypes: ['*'], channel: { kind: 'webhook', url } } });
      expect(r.status).toBe(400);
      expect(r.body.errors[0].path).toBe('channel.url');
    }
    expect((await t.call('GET', S)).body).toEqual([]);
  });

  it('creates, shows the secret once, updates with a version, deletes, and audits', async () => {
    const created = await t.call('POST', S, { body: { name: 'failures', eventTypes: ['deployment.failed'], environments: ['c50'], channel: { kind: 'webhook', url: 'https://hooks.example.com/em' } }, headers: { 'x-test-user': 'alice' } });
    expect(created.status).toBe(201);
    expect(created.body.secret).toBe('whsec-1');
    const id = created.body.subscription.id as string;
    const got = await t.call('GET', `${S}/${id}`);
    expect(got.body).toMatchObject({ id, name: 'failures', version: 1, createdBy: 'alice' });
    expect(JSON.stringify(got.body)).not.toContain('whsec');
    const body = { name: 'failures', eventTypes: ['deployment.*'], channel: { kind: 'email', to: ['ops@example.com'] } };
    expect((await t.call('PUT', `${S}/${id}`, { body })).status).toBe(428);
    expect((await t.call('PUT', `${S}/${id}`, { body, headers: { 'expected-version': '5' } })).status).toBe(409);
    const updated = await t.call('PUT', `${S}/${id}`, { body, headers: { 'if-match': '"1"' } });
    expect(updated.status).toBe(200);
    expect(updated.body.subscription).toMatchObject({ version: 2, channel: { kind: 'email', to: ['ops@example.com'] } });
    expect((await t.call('DELETE', `${S}/${id}`, { headers: { 'expected-version': '2' } })).status).toBe(204);
    expect((await t.call('GET', `${S}/${id}`)).status).toBe(404);
    const audit = await deps.store.readEvents(0, 10);
    expect(audit.map((e) => [e.type, e.actor])).toEqual([['subscription.created', 'alice'], ['subscription.updated', 'tester'], ['subscription.deleted', 'tester']]);
  });

  it('lists dead letters and redelivers one; a delivered one is refused', async () => {
    await deps.store.enqueue({ name: 'fanout', seq: 1 }, [{ id: 'd1', subscriptionId: 's', eventSeq: 1, eventId: 'e1', eventType: 'deployment.failed', nextAttemptAtMs: 0, createdAtMs: 0 }]);
    await deps.store.finishAttempt('d1', { state: 'dead', error: 'the receiver refused the connection', atMs: 1 });
    const dead = await t.call('GET', `${S}/deliveries?state=dead`);
    expect(dead.body.map((d: { id: string }) => d.id)).toEqual(['d1']);
    const again = await t.call('POST', `${S}/deliveries/d1/redeliver`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ state: 'pending', attempts: 0 });
    expect(wakes).toBe(1);
    expect((await t.call('POST', `${S}/deliveries/d1/redeliver`)).status).toBe(400);
    expect((await t.call('POST', `${S}/deliveries/nope/redeliver`)).status).toBe(404);
  });
});
