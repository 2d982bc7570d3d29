import { describe, expect, it } from 'vitest';
import { aCluster } from '@envmgr/test-support';
import { aTestApp } from '../testing.js';

describe('bad input gets problem+json, never a 500', () => {
  it('malformed JSON → 400 malformed-json', async () => {
    const t = aTestApp();
    const r = await t.call('POST', '/api/v1/config/clusters', { raw: '{"ClusterName": ' });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'malformed-json', requestId: 'req-1' });
  });

  it('unknown fields and wrong types → 400 listing every path', async () => {
    const t = aTestApp();
    const r = await t.call('POST', '/api/v1/config/clusters', { body: { ClusterName: 5, Value: { ShortName: 'IN' }, Colour: 'red' } });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('validation-failed');
    const paths = r.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toContain('ClusterName');
    expect(paths.some((p: string) => p === '' || p === 'Colour')).toBe(true);
  });

  it('a wrong content type → 415', async () => {
    const t = aTestApp();
    const res = await t.app.request('/api/v1/config/clusters', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(aCluster()) });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { code: string }).code).toBe('unsupported-media-type');
  });

  it('a body over the limit → 413, and nothing is stored', async () => {
    const t = aTestApp();
    const big = JSON.stringify({ ...aCluster(), Value: { ShortName: 'IN', GroupEmailAddress: 'x'.repeat(10 * 1024 * 1024) } });
    const r = await t.call('POST', '/api/v1/config/clusters', { raw: big });
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('too-large');
    expect(await t.store.get('clusters', 'Infra')).toBeUndefined();
  });

  it('an unknown route → 404 problem; a wrong method → 405 with Allow', async () => {
    const t = aTestApp();
    const r = await t.call('GET', '/api/v1/nothing-here');
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('route-not-found');
    const m = await t.call('PATCH', '/api/v1/config/clusters', { body: {} });
    expect(m.status).toBe(405);
    expect(m.headers.get('allow')).toBe('GET, POST');
  });

  it('an unexpected failure → 500 without its message, logged with the request id', async () => {
    const t = aTestApp();
    t.store.get = () => Promise.reject(new TypeError('secret internals'));
    const r = await t.call('GET', '/api/v1/config/clusters/Infra', { headers: { 'x-request-id': 'abc-123' } });
    expect(r.status).toBe(500);
    expect(r.body).toMatchObject({ code: 'internal', requestId: 'abc-123' });
    expect(JSON.stringify(r.body)).not.toContain('secret');
    expect(r.headers.get('x-request-id')).toBe('abc-123');
    expect(t.errors[0]).toMatchObject({ requestId: 'abc-123' });
  });
});
