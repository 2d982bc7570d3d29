import { describe, expect, it } from 'vitest';
import type { ConfigItem, EntityType } from '@envmgr/domain';
import type { GroupSpec } from '@envmgr/ports';
import { accountOfEnvironmentType } from './aws-compute.js';
import { loadConfig } from './config.js';

describe('AWS compute configuration', () => {
  it('names every setting AWS compute needs and lacks, together', () => {
    const loaded = loadConfig({ ENVMGR_COMPUTE: 'aws' });
    expect(loaded.ok).toBe(false);
    const problems = loaded.ok ? [] : loaded.problems;
    for (const name of ['ENVMGR_AWS_REGION', 'ENVMGR_AGENT_REGISTRY_URL', 'ENVMGR_AGENT_SERVER_URL']) {
      expect(problems.some((p) => p.startsWith(`${name}: is required when ENVMGR_COMPUTE is aws`))).toBe(true);
    }
    // the accounts come from the registered ones unless ENVMGR_AWS_ACCOUNTS names them
    expect(problems.some((p) => p.startsWith('ENVMGR_AWS_ACCOUNTS'))).toBe(false);
  });

  it('refuses account numbers that are not 12 digits', () => {
    const loaded = loadConfig({ ENVMGR_COMPUTE: 'aws', ENVMGR_AWS_ACCOUNTS: '12345,222222222222' });
    expect(loaded.ok ? [] : loaded.problems).toContain('ENVMGR_AWS_ACCOUNTS: must be 12-digit account numbers separated by commas');
  });

  it('keeps local compute the default', () => {
    const loaded = loadConfig({});
    expect(loaded.ok && loaded.config.compute).toBe('local');
  });
});

describe('account of a new group', () => {
  const store = {
    get: async (type: EntityType, key: string): Promise<ConfigItem | undefined> =>
      type === 'environment-types' && key === 'Cluster' ? { type, key, version: 1, data: { EnvironmentType: 'Cluster', Value: { AWSAccountNumber: '333333333333' } } } : undefined,
  };
  const spec = (EnvironmentType?: string): GroupSpec => ({
    name: 'g', tags: EnvironmentType ? { EnvironmentType } : ({}), size: { min: 0, desired: 0, max: 0 },
    launch: { image: 'i', instanceType: 't', subnetType: 's', securityZone: 'Other', instanceProfile: 'p', volumes: [] },
  });

  it("is the environment type's AWSAccountNumber, and none for a type without one or no type", async () => {
    const of = accountOfEnvironmentType(store);
    expect(await of(spec('Cluster'))).toBe('333333333333');
    expect(await of(spec('Other'))).toBeUndefined();
    expect(await of(spec())).toBeUndefined();
  });
});
