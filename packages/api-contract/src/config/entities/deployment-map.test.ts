import { describe, expect, it } from 'vitest';
import { DeploymentMapSchema, ServerRoleSchema } from './deployment-map.js';

const role = { ServerRoleName: 'Web', OwningCluster: 'Infra', ContactEmailTag: 'infra@example.com', AMI: 'Ubuntu-16.04' };

describe('ServerRoleSchema (§3.6)', () => {
  it('accepts every field of a server role', () => {
    const full = {
      ...role,
      InstanceType: 'm5d.2xlarge',
      AutoScalingSettings: { MinCapacity: 0, DesiredCapacity: 0, MaxCapacity: 100 },
      FleetPerSlice: true,
      SecurityZone: 'Secure',
      SubnetTypeName: 'PrivateSecure',
      AvailabilityZoneName: 'AB',
      TerminationDelay: 10,
      ClusterKeyName: 'infra-key',
      InstanceProfileName: 'roleInfraWeb',
      SecurityGroups: ['sgRoleInfraWeb', 'sg-0a1b2c3d'],
      Volumes: [{ Name: 'OS', Size: 50, Type: 'SSD' }, { Name: 'Data', Size: 0, Type: 'Disk' }],
      PuppetRole: 'web',
      RoleTag: 'Web',
      ScheduleTag: 'start: 0 8 * * 1-5; stop: 0 19 * * 1-5 | Europe/London',
      ProjectCodeTag: 'P123',
      RemovalDateTag: '2030-01-01',
      Services: [{ ServiceName: 'Search' }],
    };
    expect(ServerRoleSchema.parse(full)).toEqual(full);
  });

  it.each(['ami-0a1b2c3d4e5f67890', 'RHEL-7-NodeJS-3.2.1', 'Windows-2012R2', 'Ubuntu-16.04'])('accepts AMI %s', (AMI) => {
    expect(ServerRoleSchema.safeParse({ ...role, AMI }).success).toBe(true);
  });

  it.each(['ami-XYZ', 'ami-', 'Ubuntu 16.04', '-Ubuntu'])('rejects AMI %s', (AMI) => {
    expect(ServerRoleSchema.safeParse({ ...role, AMI }).success).toBe(false);
  });

  it('reports a role name used twice in a map, ignoring case', () => {
    const result = DeploymentMapSchema.safeParse({ DeploymentMapName: 'Std', Value: { DeploymentTarget: [role, { ...role, ServerRoleName: 'WEB' }] } });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['Value', 'DeploymentTarget', 1, 'ServerRoleName']]);
  });

  it('reports a volume name used twice', () => {
    const Volumes = [{ Name: 'Data', Size: 1, Type: 'Disk' }, { Name: 'Data', Size: 2, Type: 'Disk' }];
    expect(ServerRoleSchema.safeParse({ ...role, Volumes }).error?.issues.map((i) => i.path)).toEqual([['Volumes', 1, 'Name']]);
  });
});
