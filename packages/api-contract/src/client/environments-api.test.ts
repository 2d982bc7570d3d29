import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { createClient } from './create-client.js';
import type { FetchLike } from './transport.js';

/** A fake fetch answering every request with `body` (status 200 unless given), recording what was sent. */
function fakeServer(body: unknown, status = 200) {
  const calls: { url: string; method: string; body: unknown }[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, method: init.method, body: init.body === undefined ? undefined : (JSON.parse(init.body) as unknown) });
    const text = JSON.stringify(body);
    const headers: Record<string, string> = status >= 400 ? { 'content-type': 'application/problem+json' } : {};
    return { status, ok: status < 300, headers: { get: (n) => headers[n.toLowerCase()] ?? null }, text: async () => text };
  };
  return { calls, client: createClient({ baseUrl: 'http://em.test:8080', fetch }) };
}

describe('environment operations in the typed client', () => {
  it('locks and unlocks through /environments/{name}/deploy-lock', async () => {
    const lock = { environment: 'c50', locked: true, lockedBy: 'alice', lockedAt: '2026-11-23T12:00:00.000Z', reason: 'freeze' };
    const { calls, client } = fakeServer(lock);
    expect(await client.lockDeployments('c50', 'freeze')).toEqual(lock);
    await client.lockDeployments('c50');
    await client.unlockDeployments('c50');
    await client.deployLock('c50');
    expect(calls.map((c) => `${c.method} ${c.url} ${JSON.stringify(c.body)}`)).toEqual([
      'PUT http://em.test:8080/api/v1/environments/c50/deploy-lock {"reason":"freeze"}',
      'PUT http://em.test:8080/api/v1/environments/c50/deploy-lock {}',
      'DELETE http://em.test:8080/api/v1/environments/c50/deploy-lock undefined',
      'GET http://em.test:8080/api/v1/environments/c50/deploy-lock undefined',
    ]);
  });

  it('sets maintenance and asks about protected actions', async () => {
    const { calls, client } = fakeServer({ environment: 'c50', inMaintenance: true, action: 'SCHEDULE_ENVIRONMENT', isProtected: false });
    await client.setMaintenance('c50', true, 'disk');
    expect(await client.isProtected('c50', 'SCHEDULE_ENVIRONMENT')).toEqual({ environment: 'c50', action: 'SCHEDULE_ENVIRONMENT', isProtected: false });
    expect(calls.map((c) => `${c.method} ${c.url} ${JSON.stringify(c.body)}`)).toEqual([
      'PUT http://em.test:8080/api/v1/environments/c50/maintenance {"inMaintenance":true,"reason":"disk"}',
      'GET http://em.test:8080/api/v1/environments/c50/protected?action=SCHEDULE_ENVIRONMENT undefined',
    ]);
  });

  it('turns a refusal into an ApiError with its code, and a broken answer into invalid-response', async () => {
    const refused = fakeServer({ type: '/problems/not-found', title: 'not-found', status: 404, detail: "environment 'x' does not exist", code: 'not-found', requestId: 'req-1' }, 404);
    await expect(refused.client.deployLock('x')).rejects.toMatchObject({ code: 'not-found', status: 404 });
    const broken = fakeServer({ environment: 'c50' });
    const err = await broken.client.environmentOps('c50').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('invalid-response');
  });
});
