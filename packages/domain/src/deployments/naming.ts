/** EM's naming conventions for deployments (SPEC §4). Pure. */
import type { DeploymentPackageRef, Slice } from './deployment.js';

/**
 * The runtime server role: `<ServerRoleName>-<slice>` when the role has a fleet per slice, else the role name.
 * It is the group's `Role` tag, which the agents read to find their target state.
 */
export function runtimeServerRoleOf(serverRole: string, slice: Slice, fleetPerSlice: boolean): string {
  return fleetPerSlice && slice !== 'none' ? `${serverRole}-${slice}` : serverRole;
}

/** The group: `<env>-<ShortName lower-cased>-<runtime role>`, e.g. `pr1-in-Web`, `pr1-in-Web-blue`. */
export function groupNameOf(p: { environment: string; clusterShortName: string; runtimeServerRole: string }): string {
  return `${p.environment}-${p.clusterShortName.toLowerCase()}-${p.runtimeServerRole}`;
}

/** Instances are named `<prefix>-<id without i->`: `<env>-<ShortName lower-cased>`, e.g. `d01-ex-19429ab5`. */
export function instanceNamePrefixOf(environment: string, clusterShortName: string): string {
  return `${environment}-${clusterShortName.toLowerCase()}`;
}

/** The Consul service: `<env>-<service>[-<slice>]`, no suffix for `none`. */
export function consulServiceNameOf(environment: string, service: string, slice: Slice): string {
  return slice === 'none' ? `${environment}-${service}` : `${environment}-${service}-${slice}`;
}

/** The slice's port: its own for blue and green, the lower of the two for none (SPEC §6). */
export function slicePortOf(slice: Slice, ports: { blue: number; green: number }): number {
  if (slice === 'blue') return ports.blue;
  if (slice === 'green') return ports.green;
  return Math.min(ports.blue, ports.green);
}

export const PACKAGE_KEY_PREFIX = 'PACKAGES';

/** The package's key in EM's store: `PACKAGES/<svc>/<ver>[/<env>]/<svc>-<ver>[-<env>].zip`. */
export function packageKeyOf(ref: DeploymentPackageRef): string {
  const env = ref.environment;
  return env === undefined
    ? `${PACKAGE_KEY_PREFIX}/${ref.service}/${ref.version}/${ref.service}-${ref.version}.zip`
    : `${PACKAGE_KEY_PREFIX}/${ref.service}/${ref.version}/${env}/${ref.service}-${ref.version}-${env}.zip`;
}
