import { describe, expect, it } from 'vitest';
import { aTestApp } from '../testing.js';

describe('required request bodies', () => {
  it('refuses a missing body where the route declares one required, even when every field is optional', async () => {
    const t = aTestApp();
    const r = await t.call('POST', '/api/v1/schedule/evaluate');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'validation-failed', errors: [{ path: '', message: 'a request body is required' }] });
    expect((await t.call('POST', '/api/v1/schedule/evaluate', { body: {} })).status).toBe(200);
  });

  it('lets a bodiless request through where the body is optional', async () => {
    const t = aTestApp();
    await t.call('POST', '/api/v1/config/clusters', { body: { ClusterName: 'Infra', Value: { ShortName: 'IN' } } });
    await t.call('POST', '/api/v1/config/environment-types', { body: { EnvironmentType: 'Dev', Value: { SchemaVersion: 5 } } });
    await t.call('POST', '/api/v1/config/deployment-maps', { body: { DeploymentMapName: 'Standard', Value: { DeploymentTarget: [] } } });
    await t.call('POST', '/api/v1/config/environments', { body: { EnvironmentName: 'c50', Value: { EnvironmentType: 'Dev', OwningCluster: 'Infra', DeploymentMap: 'Standard' } } });
    const r = await t.call('PUT', '/api/v1/environments/c50/deploy-lock');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ locked: true });
  });
});
