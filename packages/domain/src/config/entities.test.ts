import { describe, expect, it } from 'vitest';
import { ENTITIES, itemFacts, upstreamKey, lbSettingKey } from './entities.js';
import { checkItem } from './checks.js';
import type { JsonObject } from '../json.js';
import type { EntityType } from './config-item.js';

const env = (name: string, value: JsonObject = {}): JsonObject => ({ EnvironmentName: name, Value: { EnvironmentType: 'Dev', OwningCluster: 'Infra', ...value } });
const store = (items: Record<string, JsonObject>) => (type: EntityType, key: string) => items[`${type}/${key}`];

describe('entity keys', () => {
  it.each([
    ['accounts', { AccountNumber: '123456789012', AccountName: 'prod' }, '123456789012'],
    ['environments', env('c50'), 'c50'],
    ['lb-settings', { EnvironmentName: 'c50', VHostName: 'search', Value: {} }, 'c50/search'],
    ['upstreams', { Value: { EnvironmentName: 'c50', UpstreamName: 'c50-search' } }, '/c50_c50-search/config'],
    ['services', { ServiceName: 'Search', OwningCluster: 'Infra', Value: {} }, 'Search'],
    ['clusters', { Value: {} }, undefined],
  ] as const)('%s key of %j is %s', (type, data, key) => {
    expect(ENTITIES[type].keyOf(data)).toBe(key);
  });

  it('builds composite keys', () => {
    expect(upstreamKey('c50', 'c50-x')).toBe('/c50_c50-x/config');
    expect(lbSettingKey('c50', 'v')).toBe('c50/v');
  });
});

describe('references', () => {
  it.each([
    ['environments', env('c50', { DeploymentMap: 'Std', NotificationSettingsId: 'n' }), ['environment-types:Dev', 'clusters:Infra', 'deployment-maps:Std', 'notification-settings:n']],
    ['services', { ServiceName: 'S', OwningCluster: 'Infra', Value: {} }, ['clusters:Infra']],
    ['clusters', { ClusterName: 'Infra', Value: { ShortName: 'IN', NotificationSettingsId: 'n' } }, ['notification-settings:n']],
    [
      'deployment-maps',
      { DeploymentMapName: 'M', Value: { DeploymentTarget: [{ ServerRoleName: 'Web', OwningCluster: 'Infra', Services: [{ ServiceName: 'A' }, { ServiceName: 'B' }] }] } },
      ['clusters:Infra', 'services:A', 'services:B'],
    ],
    ['lb-settings', { EnvironmentName: 'c50', VHostName: 'v', Value: {} }, ['environments:c50']],
    ['upstreams', { Value: { EnvironmentName: 'c50', UpstreamName: 'c50-s', ServiceName: 'S' } }, ['environments:c50', 'services:S']],
    ['accounts', { AccountNumber: '1', AccountName: 'a' }, []],
  ] as const)('%s refers to %j', (type, data, refs) => {
    expect(itemFacts(type, data as JsonObject).references.map((r) => `${r.type}:${r.key}`)).toEqual(refs);
  });

  it('names the path of each reference', () => {
    const map: JsonObject = { DeploymentMapName: 'M', Value: { DeploymentTarget: [{}, { ServerRoleName: 'W', OwningCluster: 'C', Services: [{ ServiceName: 'A' }] }] } };
    expect(ENTITIES['deployment-maps'].references(map).map((r) => r.path)).toEqual(['Value.DeploymentTarget.1.OwningCluster', 'Value.DeploymentTarget.1.Services.0.ServiceName']);
  });
});

describe('rules', () => {
  const base = { 'environment-types/Dev': { EnvironmentType: 'Dev', Value: { NamingPattern: '^c\\d+$' } }, 'clusters/Infra': { ClusterName: 'Infra', Value: {} } };

  it.each([
    ['c50', []],
    ['x50', ["'x50' does not match the naming pattern '^c\\d+$' of environment type 'Dev'"]],
  ])('environment %s against the type naming pattern', (name, messages) => {
    expect(checkItem('environments', env(name), { resolve: store(base), before: undefined }).map((p) => p.message)).toEqual(messages);
  });

  it('reports every missing reference', () => {
    const problems = checkItem('environments', env('c50', { DeploymentMap: 'Std' }), { resolve: store({}), before: undefined });
    expect(problems.map((p) => p.path)).toEqual(['Value.EnvironmentType', 'Value.OwningCluster', 'Value.DeploymentMap']);
  });

  it.each([
    [{ BluePort: 40000, GreenPort: 40000 }, undefined, ['Value.GreenPort']],
    [{ BluePort: 40000, GreenPort: 40001 }, { BluePort: 40000, GreenPort: 40001 }, []],
    [{ BluePort: 40002, GreenPort: 40001 }, { BluePort: 40000, GreenPort: 40001 }, ['Value.BluePort']],
    [{ BluePort: 40000, GreenPort: 40001 }, {}, []],
  ])('service ports %j (before %j)', (value, before, paths) => {
    const data = { ServiceName: 'S', OwningCluster: 'Infra', Value: value };
    const problems = ENTITIES.services.rules(data, { resolve: store(base), before: before ? { ...data, Value: before } : undefined });
    expect(problems.map((p) => p.path)).toEqual(paths);
  });

  it('claims the name regardless of case, and both service ports, as unique values', () => {
    expect(itemFacts('services', { ServiceName: 'Search', Value: { BluePort: 1, GreenPort: 2 } }).uniques).toEqual([
      { value: 'name:services:search', path: 'ServiceName' },
      { value: 'service-port:1', path: 'Value.BluePort' },
      { value: 'service-port:2', path: 'Value.GreenPort' },
    ]);
  });

  it('checks upstream names and host ports against the service', () => {
    const resolve = store({ 'services/S': { ServiceName: 'S', Value: { BluePort: 40000, GreenPort: 40001 } } });
    const up = (name: string, port: number) => ({ Value: { EnvironmentName: 'c50', UpstreamName: name, ServiceName: 'S', Hosts: [{ DnsName: 'c50-S-blue', Port: port }] } });
    expect(ENTITIES.upstreams.rules(up('c50-s', 40000), { resolve, before: undefined })).toEqual([]);
    expect(ENTITIES.upstreams.rules(up('other', 40000), { resolve, before: undefined }).map((p) => p.path)).toEqual(['Value.UpstreamName']);
    expect(ENTITIES.upstreams.rules(up('c50-s', 1234), { resolve, before: undefined }).map((p) => p.path)).toEqual(['Value.Hosts.0.Port']);
  });

  it('refuses the same server role twice in a map', () => {
    const map = { DeploymentMapName: 'M', Value: { DeploymentTarget: [{ ServerRoleName: 'Web' }, { ServerRoleName: 'web' }] } };
    expect(ENTITIES['deployment-maps'].rules(map, { resolve: store({}), before: undefined }).map((p) => p.path)).toEqual(['Value.DeploymentTarget.1.ServerRoleName']);
  });
});
