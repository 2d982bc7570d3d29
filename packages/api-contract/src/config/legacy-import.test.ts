import { describe, expect, it } from 'vitest';
import { ENTITY_SCHEMAS } from './entity-schemas.js';
import { CONFIG_TYPES } from './entity-types.js';
import { convertLegacyExport, LEGACY_RESOURCES, type LegacyConversion } from './legacy-import.js';

// Fixtures are read through the module loader because this package has no Node typings (api-contract runs anywhere).
// The bundler resolves a template import one folder level deep, hence one template per folder.
async function fixture(name: string): Promise<unknown> {
  const mod: { default: unknown } = await import(`./fixtures/legacy/${name}.json`, { with: { type: 'json' } });
  return mod.default;
}

async function badFixture(name: string): Promise<unknown> {
  const mod: { default: unknown } = await import(`./fixtures/legacy/bad/${name}.json`, { with: { type: 'json' } });
  return mod.default;
}

async function converted(resource: string, file = resource) {
  const result = convertLegacyExport(resource, await fixture(file));
  if (!result.ok) throw new Error(`${resource} did not convert: ${JSON.stringify(result.errors, null, 2)}`);
  return result;
}

function errorsOf(result: LegacyConversion) {
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.errors;
}

describe('LEGACY_RESOURCES', () => {
  it('maps a resource to every configuration type EM had (users and groups are ours)', () => {
    expect(new Set(Object.values(LEGACY_RESOURCES))).toEqual(new Set(CONFIG_TYPES.filter((t) => t !== 'users' && t !== 'groups')));
  });
});

describe('convertLegacyExport: realistic EM exports', () => {
  it.each(Object.keys(LEGACY_RESOURCES))('converts and validates %s', async (resource) => {
    const result = await converted(resource);
    const type = LEGACY_RESOURCES[resource as keyof typeof LEGACY_RESOURCES];
    expect(result.type).toBe(type);
    expect(result.items.length).toBeGreaterThan(0);
    for (const item of result.items) {
      expect(item).not.toHaveProperty('Audit');
      expect(item['Version']).toEqual(expect.any(Number));
      const { Version: _version, ...data } = item;
      expect(ENTITY_SCHEMAS[type].parse(data)).toEqual(data);
    }
  });

  it('keeps EM versions and pads integer account numbers', async () => {
    const { items } = await converted('accounts');
    expect(items[1]).toEqual({ AccountName: 'master', AccountNumber: '012345678901', IncludeAMIs: true, Version: 1 });
    expect(items.map((a) => a['Version'])).toEqual([3, 1, 2]);
    expect(items[2]?.['IncludeAMIs']).toBe(false);
  });

  it('drops empty strings and retypes numbers and booleans EM stored as strings', async () => {
    const { items } = await converted('deploymentmaps');
    const role = (items[1]?.['Value'] as { DeploymentTarget: Record<string, unknown>[] }).DeploymentTarget[0];
    expect(role?.['AutoScalingSettings']).toEqual({ MinCapacity: 2, DesiredCapacity: 2, MaxCapacity: 6 });
    expect(role?.['FleetPerSlice']).toBe(true);
    expect(role).not.toHaveProperty('PuppetRole');
    expect(role).not.toHaveProperty('ClusterKeyName');
  });

  it('skips services EM marked deleted', async () => {
    const { items } = await converted('services');
    expect(items.map((s) => s['ServiceName'])).toEqual(['Search', 'SearchIndexer']);
  });

  it("drops environment fields EM derives or no longer uses, keeping the rest", async () => {
    const { items } = await converted('environments');
    expect(items[1]).toEqual({
      EnvironmentName: 'pr1',
      Value: { EnvironmentType: 'Prod', OwningCluster: 'Search', DeploymentMap: 'Search', Description: 'Production search', AlertSettings: 'ServiceOwner', NotificationSettingsId: 'search' },
      Version: 11,
    });
  });

  it('converts ops records from the InfraOpsEnvironment backup, retyping flags EM stored as strings', async () => {
    const { items } = await converted('opsenvironments');
    expect(items).toEqual([
      {
        EnvironmentName: 'c50',
        Value: {
          ManualScheduleUp: false,
          ScheduleAutomatically: true,
          DefaultSchedule: 'Start: 0 8 * * 1,2,3,4,5; Stop: 0 19 * * 1,2,3,4,5 | Europe/London',
          DeploymentsLocked: false,
          EnvironmentInMaintenance: false,
        },
        Version: 7,
      },
      { EnvironmentName: 'pr1', Value: { ManualScheduleUp: true, ScheduleAutomatically: false, DeploymentsLocked: true, EnvironmentInMaintenance: false }, Version: 2 },
    ]);
  });

  it('drops the derived AccountId and LoadBalancerGroup of LB settings', async () => {
    const { items } = await converted('lbsettings');
    expect(items[0]).toEqual({
      EnvironmentName: 'c50',
      VHostName: 'search',
      Value: { FrontEnd: true, ServerName: ['s.example.com'], Listen: [{ Port: 443 }], Locations: [{ Path: '/', ProxyPass: 'http://c50-search' }] },
      Version: 1,
    });
  });

  it('turns stored upstreams into {key, Value} and keeps those already in that shape', async () => {
    const { items } = await converted('lbupstream');
    expect(items[1]).toEqual({
      key: '/pr1_pr1-search/config',
      Value: {
        EnvironmentName: 'pr1',
        UpstreamName: 'pr1-search',
        ServiceName: 'Search',
        LoadBalancingMethod: 'least_conn',
        SlowStart: '30',
        UpStreamKeepalives: 32,
        ZoneSize: '64k',
        SchemaVersion: 1,
        Hosts: [
          { DnsName: 'pr1-Search-blue', Port: 40100, State: 'up', Weight: 1, FailTimeout: '30s', MaxFails: 3 },
          { DnsName: 'pr1-Search-green', Port: 40101, State: 'down', Weight: 1, FailTimeout: '30', MaxFails: 3 },
        ],
      },
      Version: 42,
    });
    expect(items[2]?.['key']).toBe('/c50_c50-searchindexer/config');
    expect((items[2]?.['Value'] as Record<string, unknown>)['MarkForDelete']).toBe(true);
  });

  it('upper-cases access and lower-cases "all" in permissions', async () => {
    const { items } = await converted('permissions');
    expect(items[2]?.['Permissions']).toEqual([
      { Resource: '/config/services/*', Access: 'PUT' },
      { Resource: '/*/toggle', Access: 'PUT', Clusters: 'all', EnvironmentTypes: ['prod'] },
      { Cluster: 'search' },
      { EnvironmentType: 'ALL' },
    ]);
  });

  it('ignores items carrying EM’s delete marker', () => {
    const result = convertLegacyExport('clusters', [{ ClusterName: 'Gone', __Deleted: true, Audit: { Version: 3 } }]);
    expect(result).toEqual({ ok: true, type: 'clusters', items: [] });
  });
});

describe('convertLegacyExport: problems', () => {
  it.each([
    ['environmenttypes', ['0.Value.Region', '0.Value.Consul.Port', '0.Value.Consul.Servers', '1', '2', '3.Value.Subnets.PrivateApp.AvailabilityZoneB', '3.Value.NamingPattern', '5.EnvironmentType']],
    ['accounts', ['0.AccountNumber', '1.AccountName', '1.RoleArn', '2.Version']],
    ['lbupstream', ['0.Comment', '0.Value.Hosts.0.DnsName', '0.Value.Hosts.0.Port', '1.key', '2.Value.ServiceName']],
    ['permissions', ['0.Permissions.0.Access', '0.Permissions.1.EnvironmentTypes', '0.Permissions.2']],
    ['environments', ['0.EnvironmentName', '0.Value.Schedule']],
    ['services', ['0.ServiceName', '2.Value.GreenPort', '3.ServiceName']],
  ])('reports every problem of a bad %s export', async (resource, paths) => {
    const errors = errorsOf(convertLegacyExport(resource, await badFixture(resource)));
    expect(errors.map((e) => e.path).sort()).toEqual([...paths].sort());
    for (const e of errors) expect(e.message).toMatch(/^[a-z"]/);
  });

  it('explains that EM exports environments as environment types', async () => {
    const errors = errorsOf(convertLegacyExport('environmenttypes', await badFixture('environmenttypes')));
    expect(errors.find((e) => e.path === '1')?.message).toContain('ConfigEnvironmentTypes');
  });

  it('names the item a duplicate repeats', async () => {
    const errors = errorsOf(convertLegacyExport('services', await badFixture('services')));
    expect(errors.find((e) => e.path === '3.ServiceName')?.message).toMatch(/^duplicates item 1/);
  });

  it('rejects an unknown resource, naming the known ones', () => {
    const [error] = errorsOf(convertLegacyExport('deployments', []));
    expect(error).toEqual({ path: '', message: expect.stringContaining('accounts, clusters, deploymentmaps') });
  });

  it('rejects a document that is not an array', () => {
    expect(errorsOf(convertLegacyExport('clusters', { Items: [] }))).toEqual([{ path: '', message: expect.stringContaining('JSON array') }]);
  });
});
