import { describe, expect, it } from 'vitest';
import { createMemoryConfigStore } from '@envmgr/adapter-memory';
import { ValidationError } from '@envmgr/domain';
import { createMemoryNotificationStore, type MailMessage, type WebhookPost } from '@envmgr/ports';
import { aCluster, aDeploymentMap, aFixedClock, anEnvironment, anEnvironmentType, aNotificationSettings, aService, sequentialIds } from '@envmgr/test-support';
import type { ConfigDeps, RequestContext } from '../context.js';
import { createItem } from '../config/write-items.js';
import type { NotificationDeps } from './notification-deps.js';
import { recordEvent } from './record-events.js';
import { fanOutPass } from './fan-out.js';
import { deliveryPass } from './deliver.js';
import { createSubscription, deleteSubscription, redeliver } from './subscriptions.js';

const admin: RequestContext = { actor: { name: 'alice', kind: 'user', user: 'alice', permissions: [{ Resource: '**', Access: 'ADMIN' }] }, requestId: 'req-1' };
const failed = (id: string, env = 'c50') => ({ type: 'deployment.updated', subject: { deployment: id, environment: env, service: 'Search' }, data: { id, status: 'failed', environment: env, service: 'Search', version: '1.0.0', reason: 'hook failed' } });

async function aWorld() {
  const clock = aFixedClock(Date.UTC(2026, 0, 5));
  const config = createMemoryConfigStore();
  const cdeps: ConfigDeps = { store: config, clock, hasher: { sha256: (t) => t } };
  await createItem(cdeps, admin, 'notification-settings', aNotificationSettings('infra'));
  await createItem(cdeps, admin, 'notification-settings', { NotificationSettingsId: 'c50', Value: { NotificationEmail: ['c50-team@example.com'] } });
  for (const [type, doc] of [
    ['clusters', aCluster('Infra', { NotificationSettingsId: 'infra' })],
    ['environment-types', anEnvironmentType()],
    ['services', aService()],
    ['deployment-maps', aDeploymentMap('Standard', ['Search'])],
    ['environments', anEnvironment('c50', { AlertSettings: 'Custom', NotificationSettingsId: 'c50' })],
    ['environments', anEnvironment('c51', { AlertSettings: 'EnvironmentOwner' })],
  ] as const) await createItem(cdeps, admin, type, doc);
  const posts: WebhookPost[] = [];
  const mails: MailMessage[] = [];
  let receiverUp = true;
  const deps: NotificationDeps = {
    store: createMemoryNotificationStore(), config, clock, ids: sequentialIds('id'), secrets: sequentialIds('secret'),
    webhooks: { post: async (p) => (receiverUp ? (posts.push(p), { ok: true, status: 200 }) : { ok: false, error: 'the receiver refused the connection' }) },
    mailer: { send: async (m) => (mails.push(m), { ok: true }), verify: async () => true, close: async () => {} },
    mailFrom: 'em@example.com', retry: { baseMs: 1000, maxDelayMs: 4000, maxAttempts: 4 }, webhookTimeoutMs: 1000,
  };
  const run = async () => {
    await fanOutPass(deps);
    return deliveryPass(deps);
  };
  return { deps, clock, posts, mails, run, setUp: (up: boolean) => void (receiverUp = up) };
}

describe('notifications', () => {
  it('records a deployment failure once, with its cluster, however often it is told', async () => {
    const w = await aWorld();
    expect(await recordEvent(w.deps, failed('d1'))).toMatchObject({ seq: 1, id: 'deployment.failed:d1', subject: { cluster: 'Infra' } });
    expect(await recordEvent(w.deps, failed('d1'))).toBeUndefined();
    expect(await recordEvent(w.deps, { ...failed('d2'), data: { id: 'd2', status: 'deploying' } })).toBeUndefined();
  });

  it('routes to matching subscriptions; email goes to the owners by AlertSettings', async () => {
    const w = await aWorld();
    const hook = await createSubscription(w.deps, admin, { name: 'all failures', eventTypes: ['deployment.failed'], channel: { kind: 'webhook', url: 'https://hooks.example.com/a' } });
    expect(hook.secret).toBe('secret-1');
    await createSubscription(w.deps, admin, { name: 'c51 only', eventTypes: ['deployment.*'], environments: ['C51'], channel: { kind: 'webhook', url: 'https://hooks.example.com/b' } });
    await createSubscription(w.deps, admin, { name: 'owners', eventTypes: ['deployment.failed'], clusters: ['infra'], channel: { kind: 'email' } });
    await recordEvent(w.deps, failed('d1', 'c50'));
    await recordEvent(w.deps, failed('d2', 'c51'));
    expect(await w.run()).toMatchObject({ delivered: 3 });
    expect(await w.run()).toMatchObject({ delivered: 2 });
    expect(w.posts.map((p) => [p.url, JSON.parse(p.body).subject.deployment]).sort()).toEqual([['https://hooks.example.com/a', 'd1'], ['https://hooks.example.com/a', 'd2'], ['https://hooks.example.com/b', 'd2']]);
    expect(w.posts[0]?.secret).toBe('secret-1');
    expect(w.mails.map((m) => m.to)).toEqual([['c50-team@example.com'], ['infra@example.com']]);
    expect(w.mails[0]?.subject).toBe('[Environment Manager] deployment.failed: c50 Search 1.0.0');
    expect(await w.run()).toMatchObject({ delivered: 0 });
  });

  it('retries with back-off in order, then dead-letters, and redelivers on request', async () => {
    const w = await aWorld();
    await createSubscription(w.deps, admin, { name: 'hook', eventTypes: ['*'], channel: { kind: 'webhook', url: 'https://hooks.example.com/a' } });
    for (const id of ['d1', 'd2', 'd3']) await recordEvent(w.deps, failed(id));
    w.setUp(false);
    expect(await w.run()).toMatchObject({ delivered: 0, failed: 1 });
    w.clock.advance(999);
    expect(await w.run()).toMatchObject({ failed: 0 });
    w.clock.advance(1);
    expect(await w.run()).toMatchObject({ failed: 1 });
    w.setUp(true);
    w.clock.advance(2000);
    for (let i = 0; i < 3; i++) await w.run();
    expect(w.posts.map((p) => JSON.parse(p.body).id)).toEqual(['deployment.failed:d1', 'deployment.failed:d2', 'deployment.failed:d3']);

    await recordEvent(w.deps, failed('d4'));
    w.setUp(false);
    for (let i = 0; i < 4; i++) {
      await w.run();
      w.clock.advance(4000);
    }
    const dead = await w.deps.store.listDeliveries({ state: 'dead', limit: 10 });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ attempts: 4, lastError: 'the receiver refused the connection' });
    w.setUp(true);
    await redeliver(w.deps, admin, dead[0]!.id);
    await w.run();
    expect(w.posts.map((p) => JSON.parse(p.body).id).at(-1)).toBe('deployment.failed:d4');
    await expect(redeliver(w.deps, admin, dead[0]!.id)).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses a metadata webhook URL with the field, and audits every change in the event log', async () => {
    const w = await aWorld();
    const err = await createSubscription(w.deps, admin, { name: 'x', eventTypes: ['*'], channel: { kind: 'webhook', url: 'http://169.254.169.254/latest' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).errors[0]?.path).toBe('channel.url');
    const { subscription } = await createSubscription(w.deps, admin, { name: 'x', eventTypes: ['*'], channel: { kind: 'email', to: ['a@example.com'] } });
    await deleteSubscription(w.deps, admin, subscription.id, 1);
    const log = await w.deps.store.readEvents(0, 10);
    expect(log.map((e) => [e.type, e.actor, e.payload['requestId']])).toEqual([['subscription.created', 'alice', 'req-1'], ['subscription.deleted', 'alice', 'req-1']]);
    expect(JSON.stringify(log)).not.toContain('secret');
  });
});
