import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ENTITY_SCHEMAS } from './entity-schemas.js';
import { CONFIG_TYPES, type ConfigType } from './entity-types.js';
import { bodySchema, ExportDocumentSchema, wireSchema } from './export-import.js';

type Json = Record<string, unknown>;
type Path = (string | number)[];

/** The examples of SPEC §3, without Version. */
const EXAMPLES: Record<ConfigType, Json> = {
  users: { UserName: 'alice', Value: { DisplayName: 'Alice', Email: 'alice@example.com', Groups: ['GG-Infra'], Source: 'local' } },
  groups: { GroupName: 'GG-Infra', Value: { Description: 'the infra team', LdapGroups: ['infra'] } },
  accounts: {
    AccountName: 'prod',
    AccountNumber: '123456789012',
    RoleArn: 'arn:aws:iam::123456789012:role/roleInfraEnvironmentManagerChild',
    IncludeAMIs: false,
  },
  'environment-types': {
    EnvironmentType: 'Dev',
    Value: {
      SchemaVersion: 5,
      AWSAccountName: 'dev',
      AWSAccountNumber: '123456789012',
      VpcId: 'vpc-1',
      DeploymentBucket: 'pkgs',
      Subnets: { PrivateApp: { AvailabilityZoneA: 's-a', AvailabilityZoneB: 's-b' } },
      Consul: { DataCenter: 'dev', Port: 8500, Servers: ['10.0.0.10'], SecurityTokenPath: { Bucket: 'b', Key: 'k' } },
      LoadBalancers: [],
    },
  },
  environments: {
    EnvironmentName: 'c50',
    Value: { EnvironmentType: 'Cluster', OwningCluster: 'Infra', DeploymentMap: 'Standard', AlertSettings: 'EnvironmentOwner' },
  },
  'environment-ops': {
    EnvironmentName: 'c50',
    Value: {
      ManualScheduleUp: false,
      ScheduleAutomatically: true,
      DefaultSchedule: 'start: 0 8 * * 1-5; stop: 0 19 * * 1-5 | Europe/London',
      DeploymentsLocked: true,
      EnvironmentInMaintenance: false,
      DeploymentLock: { By: 'alice', At: '2026-11-23T12:00:00.000Z', Reason: 'release freeze' },
    },
  },
  clusters: { ClusterName: 'Infra', Value: { ShortName: 'IN', KeyPair: 'infra-key' } },
  services: { ServiceName: 'Search', OwningCluster: 'Infra', Value: { BluePort: 40100, GreenPort: 40101 } },
  'deployment-maps': {
    DeploymentMapName: 'Std',
    Value: {
      DeploymentTarget: [
        {
          ServerRoleName: 'Web',
          OwningCluster: 'Infra',
          ContactEmailTag: 'a@b.com',
          AMI: 'Ubuntu-16.04',
          InstanceType: 't2.small',
          AutoScalingSettings: { MinCapacity: 1, DesiredCapacity: 2, MaxCapacity: 4 },
          Services: [{ ServiceName: 'Search' }],
        },
      ],
    },
  },
  'lb-settings': {
    EnvironmentName: 'c50',
    VHostName: 'search',
    Value: { FrontEnd: true, ServerName: ['s.example.com'], Listen: [{ Port: 443 }], Locations: [{ Path: '/', ProxyPass: 'http://c50-search' }] },
  },
  upstreams: {
    key: '/c50_c50-search/config',
    Value: {
      EnvironmentName: 'c50',
      UpstreamName: 'c50-search',
      ServiceName: 'Search',
      Hosts: [
        { DnsName: 'c50-Search-blue', Port: 40100, State: 'up' },
        { DnsName: 'c50-Search-green', Port: 40101, State: 'down' },
      ],
    },
  },
  permissions: {
    Name: 'GG-Infra',
    Permissions: [{ Resource: '**/deploy**', Access: 'POST', Clusters: ['infra'], EnvironmentTypes: 'all' }, { Cluster: 'infra' }],
  },
  'notification-settings': { NotificationSettingsId: 'infra', Value: { NotificationEmail: ['infra@example.com'] } },
};

/** A copy of the type's example with the value at `path` replaced (`undefined` removes it). */
function changed(type: ConfigType, path: Path, value: unknown): Json {
  const copy = JSON.parse(JSON.stringify(EXAMPLES[type])) as Json;
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

const V = 'Value';
const ROLE: Path = [V, 'DeploymentTarget', 0];

/** [type, what is wrong, path changed, new value, path of the expected issue (default: the changed path)] */
const INVALID: [ConfigType, string, Path, unknown, Path?][] = [
  ['users', 'unknown field', ['Value', 'Password'], 'secret', ['Value']],
  ['users', 'name with a space', ['UserName'], 'a b'],
  ['users', 'unknown source', ['Value', 'Source'], 'kerberos'],
  ['groups', 'unknown field', ['Value', 'Members'], [], ['Value']],
  ['groups', 'empty name', ['GroupName'], ''],
  ['groups', 'LDAP groups not a list', ['Value', 'LdapGroups'], 'infra'],
  ['accounts', 'unknown field', ['IsProd'], true, []],
  ['accounts', 'account number as an integer', ['AccountNumber'], 123456789012],
  ['accounts', '11-digit account number', ['AccountNumber'], '12345678901'],
  ['accounts', 'name starting with a digit', ['AccountName'], '1prod'],
  ['accounts', 'ARN of a user, not a role', ['RoleArn'], 'arn:aws:iam::123456789012:user/bob'],
  ['accounts', 'huge name', ['AccountName'], 'a'.repeat(256)],
  ['notification-settings', 'unknown field', [V, 'Email'], 'x@y.com', [V]],
  ['notification-settings', 'not an email', [V, 'NotificationEmail', 0], 'infra'],
  ['notification-settings', 'missing Value', [V], undefined],
  ['clusters', 'unknown field', [V, 'Owner'], 'bob', [V]],
  ['clusters', 'missing ShortName', [V, 'ShortName'], undefined],
  ['clusters', 'ShortName too long', [V, 'ShortName'], 'INFRASTRUC'],
  ['clusters', 'ShortName with a dash', [V, 'ShortName'], 'I-N'],
  ['clusters', 'bad group email', [V, 'GroupEmailAddress'], 'infra at example'],
  ['environment-types', 'unknown field', [V, 'Region'], 'eu-west-1', [V]],
  ['environment-types', 'Consul port out of range', [V, 'Consul', 'Port'], 80],
  ['environment-types', 'Consul port past the last port', [V, 'Consul', 'Port'], 65536],
  ['environment-types', 'no Consul servers', [V, 'Consul', 'Servers'], []],
  ['environment-types', 'Consul server with a space', [V, 'Consul', 'Servers', 0], 'consul one'],
  ['environment-types', 'subnet without zone B', [V, 'Subnets', 'PrivateApp', 'AvailabilityZoneB'], undefined],
  ['environment-types', 'bad subnet type name', [V, 'Subnets', 'Private App'], { AvailabilityZoneA: 'a', AvailabilityZoneB: 'b' }, [V, 'Subnets', 'Private App']],
  ['environment-types', 'naming pattern that does not compile', [V, 'NamingPattern'], '^[a-z'],
  ['environment-types', 'unknown protected action', [V, 'ProtectedActions'], ['DELETE_ENVIRONMENT'], [V, 'ProtectedActions', 0]],
  ['environment-types', 'bucket name with upper case', [V, 'DeploymentBucket'], 'Pkgs'],
  ['environment-types', 'account number with 11 digits', [V, 'AWSAccountNumber'], '12345678901'],
  ['environments', 'unknown field', [V, 'Owner'], 'x', [V]],
  ['environments', 'name with a dash', ['EnvironmentName'], 'c-50'],
  ['environments', 'name starting with a digit', ['EnvironmentName'], '50c'],
  ['environments', 'name of 33 characters', ['EnvironmentName'], `c${'1'.repeat(32)}`],
  ['environments', 'missing owning cluster', [V, 'OwningCluster'], undefined],
  ['environments', 'unknown alert setting', [V, 'AlertSettings'], 'Everyone'],
  ['environments', 'huge description', [V, 'Description'], 'x'.repeat(4097)],
  ['environment-ops', 'unknown field', [V, 'Locked'], true, [V]],
  ['environment-ops', 'unknown lock field', [V, 'DeploymentLock', 'Who'], 'bob', [V, 'DeploymentLock']],
  ['environment-ops', 'flag as a string', [V, 'DeploymentsLocked'], 'true'],
  ['environment-ops', 'lock time not ISO', [V, 'DeploymentLock', 'At'], 'yesterday'],
  ['environment-ops', 'reason of 501 characters', [V, 'DeploymentLock', 'Reason'], 'x'.repeat(501)],
  ['environment-ops', 'empty default schedule', [V, 'DefaultSchedule'], ''],
  ['services', 'unknown field', [V, 'Port'], 1, [V]],
  ['services', 'name ending in -blue', ['ServiceName'], 'Search-Blue'],
  ['services', 'name ending in -none', ['ServiceName'], 'search-none'],
  ['services', 'name starting with a dot', ['ServiceName'], '.search'],
  ['services', 'privileged blue port', [V, 'BluePort'], 80],
  ['services', 'fractional green port', [V, 'GreenPort'], 40101.5],
  ['services', 'green port equal to blue', [V, 'GreenPort'], 40100],
  ['services', 'not a URL', [V, 'WikiUrl'], 'wiki page'],
  ['services', 'tag without a key', [V, 'Tags'], [{ Value: 'x' }], [V, 'Tags', 0, 'Key']],
  ['deployment-maps', 'unknown field', [...ROLE, 'Size'], 3, ROLE],
  ['deployment-maps', 'owned by Any', [...ROLE, 'OwningCluster'], 'any'],
  ['deployment-maps', 'contact not an email', [...ROLE, 'ContactEmailTag'], 'team'],
  ['deployment-maps', 'missing AMI', [...ROLE, 'AMI'], undefined],
  ['deployment-maps', 'AMI id with upper case', [...ROLE, 'AMI'], 'ami-0A1B'],
  ['deployment-maps', 'desired below min', [...ROLE, 'AutoScalingSettings', 'DesiredCapacity'], 0],
  ['deployment-maps', 'max below min', [...ROLE, 'AutoScalingSettings', 'MinCapacity'], 5, [...ROLE, 'AutoScalingSettings', 'MaxCapacity']],
  ['deployment-maps', 'capacity over 100', [...ROLE, 'AutoScalingSettings', 'MaxCapacity'], 101],
  ['deployment-maps', 'zone letter G', [...ROLE, 'AvailabilityZoneName'], 'AG'],
  ['deployment-maps', 'volume named Swap', [...ROLE, 'Volumes'], [{ Name: 'Swap', Size: 1, Type: 'SSD' }], [...ROLE, 'Volumes', 0, 'Name']],
  ['deployment-maps', 'OS volume of 0 GB', [...ROLE, 'Volumes'], [{ Name: 'OS', Size: 0, Type: 'SSD' }], [...ROLE, 'Volumes', 0, 'Size']],
  ['deployment-maps', 'role name with a space', [...ROLE, 'ServerRoleName'], 'Web Server'],
  ['deployment-maps', 'missing DeploymentTarget', [V, 'DeploymentTarget'], undefined],
  ['lb-settings', 'unknown field', [V, 'Upstream'], 'x', [V]],
  ['lb-settings', 'unknown location field', [V, 'Locations', 0, 'Target'], 'x', [V, 'Locations', 0]],
  ['lb-settings', 'location without Path', [V, 'Locations', 0, 'Path'], undefined],
  ['lb-settings', 'custom error code of 2 digits', [V, 'CustomErrorCodes'], ['50'], [V, 'CustomErrorCodes', 0]],
  ['lb-settings', 'restrict to a host name', [V, 'RestrictTo'], ['example.com'], [V, 'RestrictTo', 0]],
  ['lb-settings', 'CIDR prefix 33', [V, 'RestrictTo'], ['10.0.0.0/33'], [V, 'RestrictTo', 0]],
  ['lb-settings', 'health check interval without unit', [V, 'Locations', 0, 'HealthCheck'], { Interval: '10' }, [V, 'Locations', 0, 'HealthCheck', 'Interval']],
  ['lb-settings', 'Value for another environment', [V, 'EnvironmentName'], 'c51'],
  ['lb-settings', 'Value for another vhost', [V, 'VHostName'], 'other'],
  ['lb-settings', 'listen port 0', [V, 'Listen', 0, 'Port'], 0],
  ['upstreams', 'unknown host field', [V, 'Hosts', 0, 'Host'], 'x', [V, 'Hosts', 0]],
  ['upstreams', 'DNS name without a dash or dot', [V, 'Hosts', 0, 'DnsName'], 'search'],
  ['upstreams', 'dotted name with an edge hyphen', [V, 'Hosts', 0, 'DnsName'], '-c50.example.com'],
  ['upstreams', 'host state unknown', [V, 'Hosts', 0, 'State'], 'drain'],
  ['upstreams', 'weight 0', [V, 'Hosts', 0, 'Weight'], 0],
  ['upstreams', 'no hosts', [V, 'Hosts'], []],
  ['upstreams', 'name without the environment prefix', [V, 'UpstreamName'], 'search', [V, 'UpstreamName']],
  ['upstreams', 'key that disagrees with Value', ['key'], '/c50_c50-other/config'],
  ['permissions', 'unknown field', ['Permissions', 0, 'Deny'], true, ['Permissions', 0]],
  ['permissions', 'access GET', ['Permissions', 0, 'Access'], 'GET'],
  ['permissions', 'clusters without environment types', ['Permissions', 0, 'EnvironmentTypes'], undefined],
  ['permissions', 'resource without access', ['Permissions', 0, 'Access'], undefined],
  ['permissions', 'cluster grant with a resource', ['Permissions', 1, 'Resource'], '**', ['Permissions', 1, 'Access']],
  ['permissions', 'empty permission', ['Permissions', 1], {}],
  ['permissions', 'clusters neither all nor a list', ['Permissions', 0, 'Clusters'], 'infra'],
];

describe('ENTITY_SCHEMAS', () => {
  it.each(CONFIG_TYPES)('parses the SPEC example of %s unchanged', (type) => {
    const parsed = ENTITY_SCHEMAS[type].parse(EXAMPLES[type]);
    expect(parsed).toEqual(EXAMPLES[type]);
    expect(bodySchema(type).parse({ ...parsed, Version: 3 })).toEqual({ ...EXAMPLES[type], Version: 3 });
  });

  it.each(CONFIG_TYPES)('has at least 3 invalid cases, one of them an unknown field, for %s', (type) => {
    const cases = INVALID.filter(([t]) => t === type);
    expect(cases.length).toBeGreaterThanOrEqual(3);
    expect(cases.some(([, why]) => why.startsWith('unknown'))).toBe(true);
  });

  it.each(INVALID)('rejects %s: %s', (type, _why, path, value, issuePath) => {
    const result = ENTITY_SCHEMAS[type].safeParse(changed(type, path, value));
    expect(result.success).toBe(false);
    const issues = result.error?.issues ?? [];
    expect(issues.map((i) => i.path)).toContainEqual(issuePath ?? path);
    for (const issue of issues) expect(issue.message).toMatch(/^[a-z"]/);
  });

  it('names the allowed fields when it rejects an unknown one', () => {
    const result = ENTITY_SCHEMAS.accounts.safeParse({ ...EXAMPLES.accounts, IsProd: true });
    expect(result.error?.issues[0]?.message).toBe('unknown field IsProd; allowed fields: AccountName, AccountNumber, RoleArn, IncludeAMIs, Purpose, Stage, OrganizationalUnit');
  });

  it('says what is required when a field is missing', () => {
    const result = ENTITY_SCHEMAS.clusters.safeParse(changed('clusters', [V, 'ShortName'], undefined));
    expect(result.error?.issues[0]?.message).toBe('is required: must be 1-8 letters or digits (2 letters by convention, e.g. IN)');
  });

  it('keeps a secret out of the message', () => {
    const result = ENTITY_SCHEMAS['environment-types'].safeParse(changed('environment-types', [V, 'LicenseKeys'], { NewRelicKey: 's'.repeat(300) }));
    expect(result.error?.issues[0]?.message).not.toContain('sss');
  });

  it('accepts an environment type for the embedded mode without any AWS setting', () => {
    expect(ENTITY_SCHEMAS['environment-types'].safeParse({ EnvironmentType: 'Local', Value: {} }).success).toBe(true);
  });

  it('accepts an account without a role for the embedded mode', () => {
    expect(ENTITY_SCHEMAS.accounts.safeParse({ AccountName: 'local', AccountNumber: '000000000000' }).success).toBe(true);
  });

  it.each(CONFIG_TYPES)('is a closed object with an OpenAPI component id: %s', (type) => {
    const schema = ENTITY_SCHEMAS[type];
    expect(schema).toBeInstanceOf(z.ZodObject);
    expect(schema.shape).not.toHaveProperty('Version');
    expect(z.globalRegistry.get(schema)?.id).toMatch(/^[A-Z][A-Za-z]+$/);
    expect(z.globalRegistry.get(schema)?.description).toBeTruthy();
  });

  it.each(CONFIG_TYPES)('converts to JSON Schema for input and output: %s', (type) => {
    for (const schema of [ENTITY_SCHEMAS[type], bodySchema(type), wireSchema(type)]) {
      expect(() => z.toJSONSchema(schema, { io: 'input' })).not.toThrow();
      expect(() => z.toJSONSchema(schema, { io: 'output' })).not.toThrow();
    }
    expect(z.toJSONSchema(ENTITY_SCHEMAS[type], { io: 'input' })).toMatchObject({ $defs: expect.any(Object) });
  });

  it('converts the export document to JSON Schema', () => {
    expect(() => z.toJSONSchema(ExportDocumentSchema, { io: 'input' })).not.toThrow();
  });
});
