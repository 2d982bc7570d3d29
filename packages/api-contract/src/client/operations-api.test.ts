import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { createClient } from './create-client.js';
import type { FetchLike } from './transport.js';

interface Call {
  url: string;
  method: string;
  body: unknown;
}

function fakeServer(respond: (call: Call) => { status?: number; headers?: Record<string, string>; body?: unknown }) {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    const call = { url: url.replace('http://em.test/api/v1/', ''), method: init.method, body: init.body === undefined ? undefined : (JSON.parse(init.body) as unknown) };
    calls.push(call);
    const { status = 200, headers = {}, body } = respond(call);
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    return { status, ok: status < 300, headers: { get: (n: string) => lower[n.toLowerCase()] ?? null }, text: async () => (body === undefined ? '' : JSON.stringify(body)) };
  };
  return { calls, client: createClient({ baseUrl: 'http://em.test', fetch }) };
}

const asg = {
  name: 'dev1-IN-Web',
  environment: 'dev1',
  size: { min: 0, desired: 2, max: 4 },
  instanceCount: 2,
  instanceCounts: { Pending: 0, InService: 2, Standby: 0, Terminating: 0 },
  tags: { Environment: 'dev1' },
  suspendedProcesses: [],
  createdTime: '2026-11-23T12:00:00.000Z',
};
const instance = (id: string) => ({ id, name: id, state: 'running', launchTime: '2026-11-23T12:00:00.000Z', maintenance: false, tags: {} });

describe('operations client', () => {
  it('lists, reads and resizes groups on their routes', async () => {
    const { calls, client } = fakeServer((c) => ({ body: c.url.startsWith('asgs?') || c.url === 'asgs' ? [asg] : asg }));
    expect(await client.listAsgs({ environment: 'dev1' })).toEqual([asg]);
    expect(await client.resizeAsg('dev1-IN-Web', { desired: 3 })).toEqual(asg);
    expect(calls).toEqual([
      { url: 'asgs?environment=dev1', method: 'GET', body: undefined },
      { url: 'asgs/dev1-IN-Web/size', method: 'PUT', body: { desired: 3 } },
    ]);
  });

  it('walks every page of instances with the SPEC query names', async () => {
    const { calls, client } = fakeServer((c) =>
      c.url.includes('cursor=p2') ? { body: [instance('i-0e000000000000002')] } : { body: [instance('i-0e000000000000001')], headers: { 'x-next-cursor': 'p2' } },
    );
    const ids: string[] = [];
    for await (const i of client.listAllInstances({ environment: 'dev1', maintenance: true, ipAddress: '10.0.0.2', limit: 1 })) ids.push(i.id);
    expect(ids).toEqual(['i-0e000000000000001', 'i-0e000000000000002']);
    expect(calls.map((c) => c.url)).toEqual([
      'instances?environment=dev1&maintenance=true&ip_address=10.0.0.2&limit=1',
      'instances?environment=dev1&maintenance=true&ip_address=10.0.0.2&limit=1&cursor=p2',
    ]);
  });

  it('sets maintenance and reports a refusal by its code', async () => {
    const { calls, client } = fakeServer((c) =>
      c.url.startsWith('asgs')
        ? { status: 423, body: { type: '/problems/deployments-locked', title: 'deployments-locked', status: 423, detail: 'locked', code: 'deployments-locked', requestId: 'r1', lockedBy: 'bob' } }
        : { body: { ...instance('i-0e000000000000001'), maintenance: true } },
    );
    expect((await client.setInstanceMaintenance('i-0e000000000000001', true)).maintenance).toBe(true);
    expect(calls[0]).toEqual({ url: 'instances/i-0e000000000000001/maintenance', method: 'PUT', body: { enable: true } });
    const err = await client.deleteAsg('dev1-IN-Web').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 423, code: 'deployments-locked', problem: { lockedBy: 'bob' } });
  });
});
