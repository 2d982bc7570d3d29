/**
 * Server roles as deployments use them: read from a deployment map's wire document (SPEC §3.6) and chosen for a
 * service (SPEC §5 "Server role"). Pure.
 */
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import { refuseDeployment, type DeploymentRefusal } from './deployment.js';

/** The fields of a server role that a deployment reads. */
export interface ServerRole {
  name: string;
  owningCluster: string | undefined;
  contactEmail: string | undefined;
  ami: string | undefined;
  instanceType: string | undefined;
  size: { min: number; desired: number; max: number } | undefined;
  fleetPerSlice: boolean;
  securityZone: string | undefined;
  subnetTypeName: string | undefined;
  clusterKeyName: string | undefined;
  instanceProfileName: string | undefined;
  securityGroups: string[] | undefined;
  volumes: { name: string; sizeGb: number; type: string }[];
  scheduleTag: string | undefined;
  /** `Services[].ServiceName`. */
  services: string[];
}

const str = (v: Json | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: Json | undefined): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const objects = (v: Json | undefined): JsonObject[] => (Array.isArray(v) ? v.filter(isJsonObject) : []);

function sizeOf(v: Json | undefined): ServerRole['size'] {
  if (!isJsonObject(v)) return undefined;
  const [min, desired, max] = [num(v.MinCapacity), num(v.DesiredCapacity), num(v.MaxCapacity)];
  return min === undefined || desired === undefined || max === undefined ? undefined : { min, desired, max };
}

/** Reads one `DeploymentTarget` element. Optional fields that are absent or mistyped are undefined. */
export function readServerRole(t: JsonObject): ServerRole {
  return {
    name: str(t.ServerRoleName) ?? '',
    owningCluster: str(t.OwningCluster),
    contactEmail: str(t.ContactEmailTag),
    ami: str(t.AMI),
    instanceType: str(t.InstanceType),
    size: sizeOf(t.AutoScalingSettings),
    fleetPerSlice: t.FleetPerSlice === true,
    securityZone: str(t.SecurityZone),
    subnetTypeName: str(t.SubnetTypeName),
    clusterKeyName: str(t.ClusterKeyName),
    instanceProfileName: str(t.InstanceProfileName),
    securityGroups: Array.isArray(t.SecurityGroups) ? t.SecurityGroups.filter((g): g is string => typeof g === 'string' && g !== '') : undefined,
    volumes: objects(t.Volumes).flatMap((v) => {
      const name = str(v.Name);
      const sizeGb = num(v.Size);
      return name !== undefined && sizeGb !== undefined ? [{ name, sizeGb, type: str(v.Type) ?? 'SSD' }] : [];
    }),
    scheduleTag: str(t.ScheduleTag),
    services: objects(t.Services).flatMap((s) => str(s.ServiceName) ?? []),
  };
}

/** Every server role of a deployment map's wire document, in map order. */
export function serverRolesOf(map: JsonObject): ServerRole[] {
  const value = map.Value;
  return isJsonObject(value) ? objects(value.DeploymentTarget).map(readServerRole).filter((r) => r.name !== '') : [];
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * The server role to deploy `service` to: the map's roles whose `Services` list it; a `requested` role must be one
 * of them, otherwise exactly one must list it. Names compare ignoring case.
 */
export function resolveServerRole(
  p: { roles: readonly ServerRole[]; mapName: string; service: string; requested?: string | undefined },
): { ok: true; role: ServerRole } | DeploymentRefusal {
  const candidates = p.roles.filter((r) => r.services.some((s) => same(s, p.service)));
  const names = candidates.map((r) => r.name);
  const details = { service: p.service, deploymentMap: p.mapName, candidates: names };
  if (p.requested !== undefined) {
    const chosen = candidates.find((r) => same(r.name, p.requested ?? ''));
    if (chosen) return { ok: true, role: chosen };
    const listed = names.length > 0 ? `the roles that list it are ${names.join(', ')}` : 'no role of the map lists it';
    return refuseDeployment('unprocessable', 'unknown-server-role', `server role '${p.requested}' of deployment map '${p.mapName}' does not run service '${p.service}': ${listed}; pick one of them or add the service to the role`, { ...details, serverRole: p.requested });
  }
  const [only, ...others] = candidates;
  if (only && others.length === 0) return { ok: true, role: only };
  if (!only) {
    return refuseDeployment('unprocessable', 'unknown-server-role', `no server role of deployment map '${p.mapName}' runs service '${p.service}'; add the service to a role's Services`, details);
  }
  return refuseDeployment('unprocessable', 'ambiguous-server-role', `service '${p.service}' runs on ${names.length} server roles of deployment map '${p.mapName}' (${names.join(', ')}); say which with serverRole`, details);
}
