import { describe, expect, it } from 'vitest';
import { createClient } from '../client/create-client.js';
import type { FetchLike } from '../client/transport.js';

function fakeServer(body: unknown, status = 200) {
  const calls: string[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push(`${init.method} ${url.replace('http://em.test/api/v1/', '')} ${init.body ?? ''}`.trim());
    const headers: Record<string, string> = status >= 400 ? { 'content-type': 'application/problem+json' } : {};
    return { status, ok: status < 300, headers: { get: (n) => headers[n.toLowerCase()] ?? null }, text: async () => JSON.stringify(body) };
  };
  return { calls, client: createClient({ baseUrl: 'http://em.test', fetch }) };
}

const settings = { environment: 'c50', manualScheduleUp: false, scheduleAutomatically: true, defaultSchedule: 'start: 0 9 * * 1-5; stop: 0 17 * * 1-5' };

describe('scheduling in the typed client', () => {
  it('reads and changes settings, status and overrides', async () => {
    const { calls, client } = fakeServer(settings);
    expect(await client.schedule('c50')).toEqual(settings);
    await client.setSchedule('c50', { defaultSchedule: null });
    expect(calls).toEqual(['GET environments/c50/schedule', 'PUT environments/c50/schedule {"defaultSchedule":null}']);

    const status = fakeServer({ Status: 'ON', environment: 'c50', at: '2026-11-23T12:00:00.000Z', source: 'environment', schedule: '247', reason: 'the schedule says on' });
    expect((await status.client.scheduleStatus('c50', '2026-11-23T12:00:00Z')).Status).toBe('ON');
    expect(status.calls).toEqual(['GET environments/c50/schedule-status?at=2026-11-23T12%3A00%3A00Z']);

    const override = fakeServer({ environment: 'c50', override: { state: 'on', until: '2026-11-23T22:00:00.000Z', setBy: 'alice', setAt: '2026-11-23T12:00:00.000Z', active: true } });
    await override.client.overrideSchedule('c50', { state: 'on', until: '2026-11-23T22:00:00Z' });
    await override.client.clearScheduleOverride('c50');
    expect(override.calls).toEqual(['POST environments/c50/schedule-override {"state":"on","until":"2026-11-23T22:00:00Z"}', 'DELETE environments/c50/schedule-override']);
  });

  it('lists the runner actions, evaluates and reports savings', async () => {
    const actions = fakeServer([{ action: { action: 'switchOff', reason: 'r', source: 'environment' }, instance: { id: 'i-1', name: 'n', environment: 'c50', account: 'local' } }]);
    expect(await actions.client.scheduleActions({ environment: 'c50' })).toHaveLength(1);
    const savings = fakeServer({ since: 'a', until: 'b', instanceHoursSaved: 12.5, actions: 2, environments: [] });
    expect((await savings.client.savings({ environment: 'c50', since: '2026-11-01T00:00:00Z' })).instanceHoursSaved).toBe(12.5);
    expect([...actions.calls, ...savings.calls]).toEqual(['GET instances/schedule-actions?environment=c50', 'GET schedule/savings?environment=c50&since=2026-11-01T00%3A00%3A00Z']);
  });

  it('keeps the code of a refusal', async () => {
    const { client } = fakeServer({ type: '/problems/protected-action', title: 'protected-action', status: 403, detail: 'protected', code: 'protected-action', requestId: 'req-1' }, 403);
    await expect(client.setSchedule('p1', { manualScheduleUp: true })).rejects.toMatchObject({ code: 'protected-action', status: 403 });
  });
});
