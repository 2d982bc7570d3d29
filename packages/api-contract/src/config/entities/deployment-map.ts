import type { z } from 'zod';
import { bool, closed, email, int, list, name, oneOf, schemaVersion, serviceName, str, subnetTypeName } from './fields.js';

const capacity = () => int(0, 100, ' instances');

const AutoScalingSettingsSchema = closed({
  MinCapacity: capacity(),
  DesiredCapacity: capacity(),
  MaxCapacity: capacity(),
}).superRefine((s, ctx) => {
  if (s.MinCapacity > s.MaxCapacity) {
    ctx.addIssue({ code: 'custom', path: ['MaxCapacity'], input: s.MaxCapacity, message: `must be at least MinCapacity (${s.MinCapacity})` });
  } else if (s.DesiredCapacity < s.MinCapacity || s.DesiredCapacity > s.MaxCapacity) {
    ctx.addIssue({
      code: 'custom',
      path: ['DesiredCapacity'],
      input: s.DesiredCapacity,
      message: `must be from MinCapacity (${s.MinCapacity}) to MaxCapacity (${s.MaxCapacity})`,
    });
  }
});

const VolumeSchema = closed({
  Name: oneOf(['OS', 'Data']),
  Size: int(0, 10000, ' GB'),
  Type: oneOf(['SSD', 'Disk']),
}).refine((v) => v.Name !== 'OS' || v.Size > 0, { path: ['Size'], error: 'must be at least 1 GB for the OS volume (Data 0 means no data volume)' });

const tagValue = () => str('must be at most 256 characters (an EC2 tag value)', { max: 256 });

/** §3.6: the template of a server role's ASG, used only while the ASG does not exist. */
export const ServerRoleSchema = closed({
  ServerRoleName: str('must be 1-64 letters, digits or "-"', { max: 64, pattern: /^[A-Za-z0-9-]{1,64}$/ }),
  OwningCluster: name().refine((c) => c.toLowerCase() !== 'any', { error: 'must name the owning cluster; "Any" is not allowed' }),
  ContactEmailTag: email(),
  AMI: str('must be an AMI id (ami-0a1b2c3d), an image name (Type-x.y.z) or an image type (its latest stable image)', {
    max: 128,
    pattern: /^(?:ami-[0-9a-f]+|(?!ami-)[A-Za-z0-9][A-Za-z0-9.-]*)$/,
  }),
  InstanceType: str('must be an EC2 instance type such as t3.small', { max: 64, pattern: /^[a-z][a-z0-9-]*\.[a-z0-9]+$/ }).optional(),
  AutoScalingSettings: AutoScalingSettingsSchema.optional(),
  FleetPerSlice: bool().optional().meta({ description: 'true: one ASG per slice (blue and green) instead of a shared one' }),
  SecurityZone: str('must be 1-64 letters or digits (e.g. Other, Secure)', { max: 64, pattern: /^[A-Za-z][A-Za-z0-9]{0,63}$/ }).optional(),
  SubnetTypeName: subnetTypeName().optional().meta({ description: 'subnet type of the environment type; default PrivateApp' }),
  AvailabilityZoneName: str('must be * (all zones) or 1-6 of the zone letters A-F (e.g. AB)', { max: 6, pattern: /^(?:\*|[A-F]{1,6})$/ }).optional(),
  // The termination hook's heartbeat is the delay in seconds, and AWS caps heartbeats at 7200 s.
  TerminationDelay: int(0, 120, ' minutes').optional().meta({ description: 'minutes an instance drains before it terminates' }),
  ClusterKeyName: name().optional(),
  InstanceProfileName: str('must be 1-128 letters, digits or any of +=,.@_-', { max: 128, pattern: /^[\w+=,.@-]{1,128}$/ }).optional(),
  SecurityGroups: list(name(), 16, 'security group names or ids').optional(),
  Volumes: list(VolumeSchema, 2, 'volumes (one OS, one Data)')
    .superRefine((vs, ctx) => {
      vs.forEach((v, i) => {
        if (vs.findIndex((w) => w.Name === v.Name) !== i) ctx.addIssue({ code: 'custom', path: [i, 'Name'], input: v.Name, message: `must be unique; ${v.Name} appears twice` });
      });
    })
    .optional(),
  PuppetRole: name().optional(),
  RoleTag: tagValue().optional(),
  ScheduleTag: tagValue().optional(),
  ProjectCodeTag: tagValue().optional(),
  RemovalDateTag: tagValue().optional(),
  Services: list(closed({ ServiceName: serviceName() }), 200, 'services').optional(),
}).meta({ id: 'ServerRole', description: "A server role: the template of its ASG, used only while the ASG does not exist (§3.6)." });
export type ServerRole = z.infer<typeof ServerRoleSchema>;

/** §3.6: which server roles an environment has and which services they run. Key: DeploymentMapName. */
export const DeploymentMapSchema = closed({
  DeploymentMapName: name(),
  Value: closed({
    SchemaVersion: schemaVersion().optional(),
    DeploymentTarget: list(ServerRoleSchema, 500, 'server roles').superRefine((roles, ctx) => {
      roles.forEach((r, i) => {
        const first = roles.findIndex((o) => o.ServerRoleName.toLowerCase() === r.ServerRoleName.toLowerCase());
        if (first !== i) {
          ctx.addIssue({ code: 'custom', path: [i, 'ServerRoleName'], input: r.ServerRoleName, message: `must be unique in the map; also used by DeploymentTarget ${first}` });
        }
      });
    }),
  }),
}).meta({ id: 'DeploymentMap', description: 'The server roles of the environments that use this map, and the services each runs (§3.6).' });
export type DeploymentMap = z.infer<typeof DeploymentMapSchema>;
