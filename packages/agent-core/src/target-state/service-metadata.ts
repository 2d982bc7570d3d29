/**
 * The per-version keys EM writes next to the role entries (SPEC §5): the service definition (ports, tags) and the
 * installation (where the package is, how long an install may take). Pure.
 */
import { isObject, parseJson, type Problem, type Slice } from './target-state.js';

/** `environments/<env>/services/<svc>/<ver>/definition`, as the agent uses it. */
export interface ServiceDefinition {
  /** The Consul name EM chose (`<env>-<svc>`); the agent names each slice itself. */
  id?: string;
  /** The service's ports per slice; absent when the service has none configured. */
  ports?: { blue: number; green: number };
  /** Tags EM asks for (`environment_type:…`, `environment:…`, `owning_cluster:…`, `version:…`). */
  tags: string[];
}

/** `environments/<env>/services/<svc>/<ver>/installation`, as the agent uses it. */
export interface ServiceInstallation {
  packageBucket?: string;
  /** The package's key in EM's store, e.g. `PACKAGES/Hello/1.0.0/Hello-1.0.0.zip` or `…/1.0.0/c50/Hello-1.0.0-c50.zip`. */
  packageKey?: string;
  /** Minutes a hook may take when it gives no timeout of its own. */
  installationTimeoutMin?: number;
}

/** A package in EM's package API (`GET /api/v1/packages/{service}/{version}[/{environment}]`). */
export interface PackageRef {
  service: string;
  version: string;
  /** Set for a package built for one environment. */
  environment?: string;
}

/** SPEC §6: the hook timeout when neither the hook nor the installation key gives one. */
export const DEFAULT_INSTALLATION_TIMEOUT_MIN = 60;

const isPort = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0 && (v as number) <= 65535;

/** Parses a definition key's value; an absent key is `{ tags: [] }`. Every problem is listed. */
export function parseServiceDefinition(key: string, text: string | undefined): { definition: ServiceDefinition; problems: Problem[] } {
  if (text === undefined || text.trim() === '') return { definition: { tags: [] }, problems: [] };
  const json = parseJson(text);
  const service = json.ok && isObject(json.value) ? json.value.Service : undefined;
  if (!isObject(service)) return { definition: { tags: [] }, problems: [{ path: key, message: 'expected {Service: {Name, ID, Ports, Tags}}' }] };
  const problems: Problem[] = [];
  const definition: ServiceDefinition = { tags: [] };
  if (typeof service.ID === 'string' && service.ID !== '') definition.id = service.ID;
  if (service.Ports !== undefined && service.Ports !== null) {
    const ports = isObject(service.Ports) ? service.Ports : {};
    if (isPort(ports.blue) && isPort(ports.green)) definition.ports = { blue: ports.blue, green: ports.green };
    else if (!(ports.blue === 0 && ports.green === 0) && !(ports.blue === undefined && ports.green === undefined)) {
      problems.push({ path: `${key}.Service.Ports`, message: `expected {blue, green} ports from 1 to 65535; got ${JSON.stringify(service.Ports)}` });
    }
  }
  if (Array.isArray(service.Tags)) definition.tags = service.Tags.filter((t): t is string => typeof t === 'string' && t !== '');
  return { definition, problems };
}

/** Parses an installation key's value; an absent key is `{}` (the default timeout applies). */
export function parseServiceInstallation(key: string, text: string | undefined): { installation: ServiceInstallation; problems: Problem[] } {
  if (text === undefined || text.trim() === '') return { installation: {}, problems: [] };
  const json = parseJson(text);
  if (!json.ok || !isObject(json.value)) {
    return { installation: {}, problems: [{ path: key, message: 'expected {PackageBucket, PackageKey, InstallationTimeout}' }] };
  }
  const v = json.value;
  const installation: ServiceInstallation = {};
  const problems: Problem[] = [];
  if (typeof v.PackageBucket === 'string') installation.packageBucket = v.PackageBucket;
  if (typeof v.PackageKey === 'string') installation.packageKey = v.PackageKey;
  // EM has written the timeout both as a number and as a numeric string
  const timeout = typeof v.InstallationTimeout === 'string' ? Number(v.InstallationTimeout) : v.InstallationTimeout;
  if (typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0) installation.installationTimeoutMin = timeout;
  else if (v.InstallationTimeout !== undefined && v.InstallationTimeout !== null) {
    problems.push({ path: `${key}.InstallationTimeout`, message: `must be a positive number of minutes; got ${JSON.stringify(v.InstallationTimeout)}` });
  }
  return { installation, problems };
}

/**
 * Which package to download for a target: the target's service and version, and the environment when the
 * installation's PackageKey names an environment-specific package (`<prefix>/<svc>/<ver>/<env>/<file>`).
 */
export function packageRefOf(target: { service: string; version: string }, installation: ServiceInstallation): PackageRef {
  const parts = installation.packageKey?.split('/') ?? [];
  const ref: PackageRef = { service: target.service, version: target.version };
  if (parts.length === 5 && parts[1]?.toLowerCase() === target.service.toLowerCase() && parts[2] === target.version && parts[3]) {
    ref.environment = parts[3];
  }
  return ref;
}

/** The port of a slice from a blue/green pair: the lower of the two for `none` (SPEC §6). */
export function slicePort(slice: Slice, ports: { blue: number; green: number }): number {
  if (slice === 'blue') return ports.blue;
  if (slice === 'green') return ports.green;
  return Math.min(ports.blue, ports.green);
}

/**
 * Candidate port pairs for a service on a machine with a block of ports (local instances): pairs of adjacent ports
 * in the block, lowest first, that touch no reserved port. The first pair that can be bound is the service's:
 * `none` and `blue` take its first port, `green` the next.
 */
export function portPairCandidates(block: { first: number; last: number }, reserved: Iterable<number>): { blue: number; green: number }[] {
  const taken = new Set(reserved);
  const pairs: { blue: number; green: number }[] = [];
  for (let p = block.first; p + 1 <= block.last; p++) {
    if (!taken.has(p) && !taken.has(p + 1)) pairs.push({ blue: p, green: p + 1 });
  }
  return pairs;
}
