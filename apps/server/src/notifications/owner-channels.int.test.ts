import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryConfigStore } from '@envmgr/adapter-memory';
import { createHttpWebhookSender } from '@envmgr/adapter-notify';
import { appendDraft, createItem, deliveryPass, fanOutPass, type ConfigDeps, type NotificationDeps, type RequestContext } from '@envmgr/app';
import { ownerQueueId, parseSignatureHeader } from '@envmgr/domain';
import { createMemoryNotificationStore } from '@envmgr/ports';
import { aCluster, aDeploymentMap, aFixedClock, anEnvironment, anEnvironmentType, aService, sequentialIds } from '@envmgr/test-support';

// The owners' chat, paging and ticketing endpoints of notification settings (SPEC §3.10), without any subscription,
// delivered by the real webhook sender to a real HTTP receiver on loopback.

interface Hit { path: string; headers: Record<string, string | string[] | undefined>; body: string }

const admin: RequestContext = { actor: { name: 'alice', kind: 'user', user: 'alice', permissions: [{ Resource: '**', Access: 'ADMIN' }] }, requestId: 'req-1' };
const OWNER_SECRET = 'owner-secret-for-tests';

describe('owner endpoints of notification settings (a real receiver on loopback)', () => {
  const hits: Hit[] = [];
  let receiver: Server;
  let base = '';

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        hits.push({ path: req.url ?? '', headers: req.headers, body });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

  async function aWorld(ownerWebhookSecret: string | undefined) {
    const clock = aFixedClock(Date.now());
    const config = createMemoryConfigStore();
    const cdeps: ConfigDeps = { store: config, clock, hasher: { sha256: (t) => t } };
    const settings = {
      NotificationSettingsId: 'infra',
      Value: { NotificationEmail: ['infra@example.com'], ChatChannel: [`${base}/chat`], Paging: [`${base}/page`], Ticketing: `${base}/ticket` },
    };
    for (const [type, doc] of [
      ['notification-settings', settings],
      ['clusters', aCluster('Infra', { NotificationSettingsId: 'infra' })],
      ['environment-types', anEnvironmentType()],
      ['services', aService()],
      ['deployment-maps', aDeploymentMap('Standard', ['Search'])],
      ['environments', anEnvironment('c50', { AlertSettings: 'EnvironmentOwner' })],
    ] as const) await createItem(cdeps, admin, type, doc);
    const deps: NotificationDeps = {
      store: createMemoryNotificationStore(), config, clock, ids: sequentialIds('id'), secrets: sequentialIds('secret'),
      webhooks: createHttpWebhookSender(), mailFrom: 'em@example.com', retry: { baseMs: 1000, maxDelayMs: 4000, maxAttempts: 3 }, webhookTimeoutMs: 2000,
      ownerWebhookSecret,
    };
    const deployment = (outcome: string, id: string) =>
      appendDraft(deps, {
        id: `deployment.${outcome}:${id}`, type: `deployment.${outcome}`, actor: 'system:deployment-driver',
        subject: { environment: 'c50', service: 'Search', deployment: id }, payload: { status: outcome, version: '1.0.0', ...(outcome === 'failed' ? { reason: 'ValidateService failed on i-1' } : {}) },
      });
    const run = async () => {
      await fanOutPass(deps);
      return deliveryPass(deps);
    };
    return { deps, deployment, run };
  }

  it('posts a chat message, and the signed event to paging and ticketing, for a failed deployment', async () => {
    hits.length = 0;
    const w = await aWorld(OWNER_SECRET);
    await w.deployment('failed', 'd1');
    expect(await w.run()).toMatchObject({ delivered: 3, failed: 0, dead: 0 });
    expect(hits.map((h) => h.path).sort()).toEqual(['/chat', '/page', '/ticket']);

    const chat = hits.find((h) => h.path === '/chat');
    expect(JSON.parse(chat?.body ?? '{}')).toEqual({ text: expect.stringMatching(/^\[Environment Manager\] deployment\.failed: c50 Search 1\.0\.0\nreason: ValidateService failed on i-1\n/) });

    for (const path of ['/page', '/ticket']) {
      const hit = hits.find((h) => h.path === path);
      expect(JSON.parse(hit?.body ?? '{}')).toMatchObject({ id: 'deployment.failed:d1', type: 'deployment.failed', subject: { environment: 'c50', cluster: 'Infra' } });
      expect(hit?.headers['x-em-event-id']).toBe('deployment.failed:d1');
      const sig = parseSignatureHeader(String(hit?.headers['x-em-signature']));
      const expected = createHmac('sha256', OWNER_SECRET).update(`${sig?.timestampSeconds}.${hit?.body}`).digest();
      expect(timingSafeEqual(Buffer.from(sig?.digests[0] ?? '', 'hex'), expected)).toBe(true);
    }
    // a delivery names its queue and settings, never the endpoint's URL
    const listed = await w.deps.store.listDeliveries({ limit: 10 });
    expect(listed.map((d) => d.subscriptionId).sort()).toEqual([ownerQueueId('chat', `${base}/chat`), ownerQueueId('paging', `${base}/page`), ownerQueueId('ticketing', `${base}/ticket`)].sort());
    expect(JSON.stringify(listed)).not.toContain(base);
  });

  it('tells chat, and not paging or ticketing, that a deployment succeeded; nothing twice', async () => {
    hits.length = 0;
    const w = await aWorld(OWNER_SECRET);
    await w.deployment('succeeded', 'd2');
    await w.deployment('succeeded', 'd2');
    await w.deployment('requested', 'd3');
    await w.run();
    await w.run();
    expect(hits.map((h) => h.path)).toEqual(['/chat']);
    expect(hits[0]?.body).toContain('deployment.succeeded');
  });

  it('dead-letters paging and ticketing with the reason when no owner signing secret is set, and still posts to chat unsigned', async () => {
    hits.length = 0;
    const w = await aWorld(undefined);
    await w.deployment('failed', 'd4');
    expect(await w.run()).toMatchObject({ delivered: 1, dead: 2 });
    expect(hits.map((h) => h.path)).toEqual(['/chat']);
    expect(hits[0]?.headers['x-em-signature']).toBeUndefined();
    const dead = await w.deps.store.listDeliveries({ state: 'dead', limit: 10 });
    expect(dead.map((d) => d.lastError)).toEqual([expect.stringContaining('ENVMGR_OWNER_WEBHOOK_SECRET'), expect.stringContaining('ENVMGR_OWNER_WEBHOOK_SECRET')]);
  });
});
