import { describe, expect, it } from 'vitest';
import { cliHarness } from './test-harness.js';

describe('envmgr permissions check', () => {
  it('asks the policy simulator and names the deciding entry (exit 0 when allowed)', async () => {
    const cli = cliHarness(() => ({
      body: { allowed: true, deciding: [{ index: 0, permission: { Resource: '/config/**', Access: 'PUT' }, role: 'resource' }], evaluated: [] },
    }));
    expect(await cli.run('permissions', 'check', 'put', '/config/environments/c50', '--user', 'alice', '--cluster', 'Infra', '--environment-type', 'Prod')).toBe(0);
    expect(cli.requests[0]).toMatchObject({
      method: 'POST',
      url: 'http://127.0.0.1:8080/api/v1/permissions/evaluate',
      body: { user: 'alice', request: { method: 'PUT', resource: '/config/environments/c50', clusters: ['Infra'], environmentTypes: ['Prod'] } },
    });
    expect(cli.stdout).toBe('ALLOWED\n  decided by entry 0 (resource): {"Resource":"/config/**","Access":"PUT"}\n');
  });

  it('exits 1 with the reason and near misses when denied', async () => {
    const cli = cliHarness(() => ({
      body: { allowed: false, reason: 'needs PUT on /x', nearMisses: [{ index: 1, permission: {}, mismatch: 'access' }], evaluated: [] },
    }));
    expect(await cli.run('permissions', 'check', 'PUT', '/x', '--group', 'devs')).toBe(1);
    expect(cli.stdout).toContain('close: entry 1 matches the path but not its access');
    expect(cli.stderr).toContain('needs PUT on /x');
  });

  it('needs exactly one subject and a known method (exit 2)', async () => {
    const cli = cliHarness(() => ({ body: {} }));
    expect(await cli.run('permissions', 'check', 'PUT', '/x')).toBe(2);
    expect(await cli.run('permissions', 'check', 'FETCH', '/x', '--user', 'a')).toBe(2);
    expect(cli.requests).toHaveLength(0);
  });
});
