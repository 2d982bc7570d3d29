/**
 * The group a server role describes (SPEC §3.6, §4, §5 "Infrastructure"): name, tags, size and launch settings.
 * Used only while the group does not exist; EM never changes an existing group from it. Pure.
 */
import type { DeploymentGroupSpec, GroupLaunchSettings, GroupVolume, Slice } from './deployment.js';
import { groupNameOf, instanceNamePrefixOf, runtimeServerRoleOf } from './naming.js';
import type { ServerRole } from './server-role.js';

/** What a server role gets when it leaves a field out. */
export const SERVER_ROLE_DEFAULTS = {
  /** EM required it; ours defaults it, like the quickstart's map. */
  instanceType: 't3.small',
  /** EM required it; ours starts one instance. */
  size: { min: 1, desired: 1, max: 1 },
  securityZone: 'Other',
  subnetType: 'PrivateApp',
  /** SPEC §3.6: OS 50 GB SSD, Data 10 GB Disk; a Data size of 0 means no data disk. */
  osVolume: { sizeGb: 50, type: 'ssd' },
  dataVolume: { sizeGb: 10, type: 'standard' },
} as const;

/** The cluster that owns the server role. */
export interface OwningCluster {
  name: string;
  shortName: string;
  /** The cluster's default EC2 key pair. */
  keyPair?: string | undefined;
}

const diskType = (t: string): GroupVolume['type'] => (t.toLowerCase() === 'ssd' ? 'ssd' : 'standard');

/** SPEC §5: `/dev/sda1` the OS disk, `/dev/sda2` the encrypted data disk (none when its size is 0). */
export function volumesOf(role: ServerRole): GroupVolume[] {
  const os = role.volumes.find((v) => v.name.toLowerCase() === 'os');
  const data = role.volumes.find((v) => v.name.toLowerCase() === 'data');
  const d = SERVER_ROLE_DEFAULTS;
  const volumes: GroupVolume[] = [
    { device: '/dev/sda1', sizeGb: os?.sizeGb ?? d.osVolume.sizeGb, type: os ? diskType(os.type) : d.osVolume.type, encrypted: false },
  ];
  const dataSizeGb = data?.sizeGb ?? d.dataVolume.sizeGb;
  if (dataSizeGb > 0) {
    volumes.push({ device: '/dev/sda2', sizeGb: dataSizeGb, type: data ? diskType(data.type) : d.dataVolume.type, encrypted: true });
  }
  return volumes;
}

function launchOf(role: ServerRole, cluster: OwningCluster, image: string): GroupLaunchSettings {
  const launch: GroupLaunchSettings = {
    image,
    instanceType: role.instanceType ?? SERVER_ROLE_DEFAULTS.instanceType,
    subnetType: role.subnetTypeName ?? SERVER_ROLE_DEFAULTS.subnetType,
    securityZone: role.securityZone ?? SERVER_ROLE_DEFAULTS.securityZone,
    // SPEC §4: role<Cluster><Role> unless the role names one
    instanceProfile: role.instanceProfileName ?? `role${cluster.name}${role.name}`,
    volumes: volumesOf(role),
  };
  // without explicit groups the adapter derives sgRole<Cluster><Role> + sgOS<os> (it knows the image's OS)
  if (role.securityGroups && role.securityGroups.length > 0) launch.securityGroups = [...role.securityGroups];
  const keyPair = role.clusterKeyName ?? cluster.keyPair;
  if (keyPair !== undefined) launch.keyPair = keyPair;
  return launch;
}

/**
 * The group of a server role for a slice. `contactEmail` and `image` are the role's `ContactEmailTag` and `AMI`,
 * checked by the caller (both are required). Tags (SPEC §4): EnvironmentType, Environment, OwningCluster,
 * OwningClusterShortName, OwningTeam (the cluster), Role (the runtime role), SecurityZone, Schedule (`ScheduleTag`
 * or ''), ContactEmail.
 */
export function groupSpecOf(p: {
  role: ServerRole;
  cluster: OwningCluster;
  environment: string;
  environmentType: string;
  slice: Slice;
  contactEmail: string;
  image: string;
}): DeploymentGroupSpec {
  const runtimeServerRole = runtimeServerRoleOf(p.role.name, p.slice, p.role.fleetPerSlice);
  const launch = launchOf(p.role, p.cluster, p.image);
  return {
    name: groupNameOf({ environment: p.environment, clusterShortName: p.cluster.shortName, runtimeServerRole }),
    tags: {
      EnvironmentType: p.environmentType,
      Environment: p.environment,
      OwningCluster: p.cluster.name,
      OwningClusterShortName: p.cluster.shortName,
      OwningTeam: p.cluster.name,
      Role: runtimeServerRole,
      SecurityZone: launch.securityZone,
      Schedule: p.role.scheduleTag ?? '',
      ContactEmail: p.contactEmail,
    },
    size: { ...(p.role.size ?? SERVER_ROLE_DEFAULTS.size) },
    launch,
    instanceNamePrefix: instanceNamePrefixOf(p.environment, p.cluster.shortName),
  };
}
