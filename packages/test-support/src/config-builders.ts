import type { EntityType, JsonObject } from '@envmgr/domain';

/** Valid wire documents of each configuration type (without Version), with overridable parts. */
export const aCluster = (name = 'Infra', value: JsonObject = {}): JsonObject => ({ ClusterName: name, Value: { ShortName: 'IN', ...value } });

export const anEnvironmentType = (name = 'Dev', value: JsonObject = {}): JsonObject => ({ EnvironmentType: name, Value: { SchemaVersion: 5, ...value } });

export const aDeploymentMap = (name = 'Standard', services: string[] = [], owner = 'Infra'): JsonObject => ({
  DeploymentMapName: name,
  Value: {
    DeploymentTarget: [
      {
        ServerRoleName: 'Web',
        OwningCluster: owner,
        ContactEmailTag: 'team@example.com',
        AMI: 'Ubuntu-16.04.1',
        InstanceType: 't3.small',
        AutoScalingSettings: { MinCapacity: 1, DesiredCapacity: 1, MaxCapacity: 2 },
        Services: services.map((ServiceName) => ({ ServiceName })),
      },
    ],
  },
});

export const anEnvironment = (name = 'c50', value: JsonObject = {}): JsonObject => ({
  EnvironmentName: name,
  Value: { EnvironmentType: 'Dev', OwningCluster: 'Infra', DeploymentMap: 'Standard', ...value },
});

export const aService = (name = 'Search', ports: [number, number] = [40100, 40101], owner = 'Infra'): JsonObject => ({
  ServiceName: name,
  OwningCluster: owner,
  Value: { BluePort: ports[0], GreenPort: ports[1] },
});

export const anUpstream = (env = 'c50', service = 'Search', ports: [number, number] = [40100, 40101]): JsonObject => ({
  Value: {
    EnvironmentName: env,
    UpstreamName: `${env}-${service.toLowerCase()}`,
    ServiceName: service,
    Hosts: [
      { DnsName: `${env}-${service}-blue`, Port: ports[0], State: 'up' },
      { DnsName: `${env}-${service}-green`, Port: ports[1], State: 'down' },
    ],
  },
});

export const anLbSetting = (env = 'c50', vhost = 'search'): JsonObject => ({
  EnvironmentName: env,
  VHostName: vhost,
  Value: { FrontEnd: true, ServerName: ['s.example.com'], Listen: [{ Port: 443 }], Locations: [{ Path: '/', ProxyPass: 'http://c50-search' }] },
});

export const aNotificationSettings = (id = 'infra'): JsonObject => ({ NotificationSettingsId: id, Value: { NotificationEmail: ['infra@example.com'] } });

export const anAccount = (number = '123456789012', name = 'prod'): JsonObject => ({ AccountName: name, AccountNumber: number, IncludeAMIs: false });

/**
 * Two teams' environments, in the order they can be created: `c50` (Infra, type Dev) and `w1` (Web, type Prod, whose
 * type protects SCHEDULE_ENVIRONMENT), one service `Search` and the deployment map `Standard`.
 */
export const twoTeamsEstate = (): readonly (readonly [type: EntityType, doc: JsonObject])[] => [
  ['clusters', aCluster()],
  ['clusters', aCluster('Web', { ShortName: 'WB' })],
  ['environment-types', anEnvironmentType()],
  ['environment-types', anEnvironmentType('Prod', { ProtectedActions: ['SCHEDULE_ENVIRONMENT'] })],
  ['services', aService()],
  ['deployment-maps', aDeploymentMap('Standard', ['Search'])],
  ['environments', anEnvironment()],
  ['environments', anEnvironment('w1', { OwningCluster: 'Web', EnvironmentType: 'Prod' })],
];

/**
 * Environment `dev1` (Infra, type Dev) whose deployment map `Standard` runs service `Hello` (ports 40100/40101) on
 * one server role `Web` of `instances` instances, in the order the items can be created.
 */
export const helloEstate = (instances: number): readonly (readonly [type: EntityType, doc: JsonObject])[] => [
  ['clusters', aCluster()],
  ['environment-types', anEnvironmentType()],
  ['services', { ServiceName: 'Hello', OwningCluster: 'Infra', Value: { BluePort: 40100, GreenPort: 40101 } }],
  [
    'deployment-maps',
    {
      DeploymentMapName: 'Standard',
      Value: {
        DeploymentTarget: [
          {
            ServerRoleName: 'Web', OwningCluster: 'Infra', ContactEmailTag: 'infra@example.com', AMI: 'Ubuntu-22.04.1', InstanceType: 't3.small',
            AutoScalingSettings: { MinCapacity: instances, DesiredCapacity: instances, MaxCapacity: instances }, Services: [{ ServiceName: 'Hello' }],
          },
        ],
      },
    },
  ],
  ['environments', { EnvironmentName: 'dev1', Value: { EnvironmentType: 'Dev', OwningCluster: 'Infra', DeploymentMap: 'Standard' } }],
];
