/**
 * The target state of an environment read back from the registry's KV (SPEC §5 item 3): the role entries the
 * agents act on, and the definition and installation of each service version. Pure: the caller reads every key
 * under `environments/<env>/` and hands the entries over.
 *
 * Values are read as leniently as the agent reads them (packages/agent-core target-state.ts): an `Action` in any
 * case, a missing `Slice` or `InstanceIds` defaulted. An entry the agent would skip is left out and reported in
 * `problems`, so that what is shown is what the agents do.
 */
import type { Slice } from '../deployments/deployment.js';
import { isJsonObject, type JsonObject } from '../json.js';
import { sameName } from './registrations.js';

export type TargetAction = 'Install' | 'Ignore' | 'Uninstall';
const ACTIONS: readonly TargetAction[] = ['Install', 'Ignore', 'Uninstall'];
const SLICES: readonly Slice[] = ['none', 'blue', 'green'];

/** One role entry: `environments/<env>/roles/<role>/services/<service>/<slice>`. */
export interface RoleTarget {
  /** The runtime server role (`Web`, or `Web-blue` for a fleet per slice): the `Role` tag of its instances. */
  role: string;
  /** The value's `Name`, which the agent uses to name the registration. */
  service: string;
  slice: Slice;
  version: string;
  deploymentId: string;
  /** The instances the entry is for; [] means every instance of the role. */
  instanceIds: string[];
  action: TargetAction;
  /** The registry key it was read from. */
  key: string;
}

export interface ServiceDefinitionView {
  name: string | undefined;
  id: string | undefined;
  ports: { blue: number; green: number } | undefined;
  tags: string[];
}

export interface ServiceInstallationView {
  packageBucket: string | undefined;
  packageKey: string | undefined;
  /** Minutes; undefined when absent or not a number (the agent then allows 60). */
  installationTimeoutMin: number | undefined;
}

/** One service version's keys: `environments/<env>/services/<service>/<version>/{definition,installation}`. */
export interface ServiceVersionTarget {
  service: string;
  version: string;
  definition: ServiceDefinitionView | undefined;
  installation: ServiceInstallationView | undefined;
}

/** A value that could not be read, by key (`<key>.<Field>` for one field). */
export interface TargetStateProblem {
  key: string;
  message: string;
}

export interface TargetStateView {
  environment: string;
  /** Every valid role entry, in key order. */
  targets: RoleTarget[];
  /** In key order. */
  services: ServiceVersionTarget[];
  problems: TargetStateProblem[];
}

/** The prefix holding an environment's whole target state (roles and service versions). */
export function environmentTargetPrefix(environment: string): string {
  return `environments/${environment}/`;
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const parse = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};
const oneOf = <T extends string>(v: unknown, allowed: readonly T[]): T | undefined =>
  typeof v === 'string' ? allowed.find((a) => a.toLowerCase() === v.trim().toLowerCase()) : undefined;

function roleTargetOf(key: string, text: string, where: { role: string; service: string; slice: string }): RoleTarget | TargetStateProblem[] {
  const v = parse(text);
  if (!isJsonObject(v)) return [{ key, message: 'the value is not a JSON object; the agents skip it. EM writes {Name, Version, Slice, DeploymentId, InstanceIds, Action}' }];
  const problems: TargetStateProblem[] = [];
  const at = (field: string, message: string) => problems.push({ key: `${key}.${field}`, message });
  if (!nonEmpty(v.Name)) at('Name', `must be the service name; got ${JSON.stringify(v.Name)}`);
  else if (!sameName(v.Name.trim(), where.service)) at('Name', `'${v.Name}' does not match the service '${where.service}' of the key`);
  if (!nonEmpty(v.Version)) at('Version', `must be the package version; got ${JSON.stringify(v.Version)}`);
  if (!nonEmpty(v.DeploymentId)) at('DeploymentId', `must be the deployment id; got ${JSON.stringify(v.DeploymentId)}`);
  const slice = oneOf(v.Slice ?? where.slice, SLICES);
  if (!slice) at('Slice', `must be one of ${SLICES.join(', ')}; got ${JSON.stringify(v.Slice)}`);
  else if (slice !== where.slice.toLowerCase()) at('Slice', `'${slice}' does not match the slice '${where.slice}' of the key`);
  const action = v.Action === undefined ? 'Install' : oneOf(v.Action, ACTIONS);
  if (!action) at('Action', `must be one of ${ACTIONS.join(', ')}; got ${JSON.stringify(v.Action)}`);
  const ids = v.InstanceIds ?? [];
  const isIdList = Array.isArray(ids) && ids.every((i) => typeof i === 'string');
  if (!isIdList) at('InstanceIds', 'must be a list of instance ids ([] for every instance)');
  if (problems.length > 0 || !slice || !action || !isIdList) return problems;
  return {
    role: where.role,
    service: (v.Name as string).trim(),
    slice,
    version: (v.Version as string).trim(),
    deploymentId: (v.DeploymentId as string).trim(),
    instanceIds: ids,
    action,
    key,
  };
}

const port = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535 ? v : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function definitionOf(value: unknown): ServiceDefinitionView | undefined {
  if (!isJsonObject(value) || !isJsonObject(value.Service)) return undefined;
  const s: JsonObject = value.Service;
  const ports = isJsonObject(s.Ports) ? { blue: port(s.Ports.blue), green: port(s.Ports.green) } : undefined;
  return {
    name: text(s.Name),
    id: text(s.ID),
    ports: ports?.blue !== undefined && ports.green !== undefined ? { blue: ports.blue, green: ports.green } : undefined,
    tags: Array.isArray(s.Tags) ? s.Tags.filter((t): t is string => typeof t === 'string') : [],
  };
}

function installationOf(value: unknown): ServiceInstallationView | undefined {
  if (!isJsonObject(value)) return undefined;
  const t = value.InstallationTimeout;
  const minutes = typeof t === 'number' ? t : typeof t === 'string' && t.trim() !== '' ? Number(t) : NaN;
  return {
    packageBucket: text(value.PackageBucket),
    packageKey: text(value.PackageKey),
    installationTimeoutMin: Number.isFinite(minutes) && minutes > 0 ? minutes : undefined,
  };
}

/** Reads an environment's target state from the entries under `environmentTargetPrefix(environment)`. */
export function readTargetState(environment: string, entries: readonly { key: string; value: string }[]): TargetStateView {
  const prefix = environmentTargetPrefix(environment);
  const view: TargetStateView = { environment, targets: [], services: [], problems: [] };
  const versions = new Map<string, ServiceVersionTarget>();
  const sorted = [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { key, value } of sorted) {
    if (!key.startsWith(prefix)) continue;
    const parts = key.slice(prefix.length).split('/');
    const [kind, a, b, c, d, ...more] = parts;
    if (kind === 'roles' && b === 'services' && a && c && d && more.length === 0) {
      const target = roleTargetOf(key, value, { role: a, service: c, slice: d });
      if (Array.isArray(target)) view.problems.push(...target);
      else view.targets.push(target);
    } else if (kind === 'services' && a && b && (c === 'definition' || c === 'installation') && d === undefined) {
      const id = `${a}/${b}`;
      const entry = versions.get(id) ?? { service: a, version: b, definition: undefined, installation: undefined };
      versions.set(id, entry);
      const json = parse(value);
      const read = c === 'definition' ? definitionOf(json) : installationOf(json);
      if (!read) view.problems.push({ key, message: `the ${c} is not the JSON object EM writes; the agents use defaults instead` });
      else if (c === 'definition') entry.definition = read as ServiceDefinitionView;
      else entry.installation = read as ServiceInstallationView;
    }
  }
  view.services = [...versions.values()];
  return view;
}

/**
 * The part of a target state that concerns one server role: its own entries and those of its slices' fleets
 * (`Web` keeps `Web`, `Web-blue` and `Web-green`), and the service versions they name. Names compare ignoring case.
 */
export function targetStateOfServerRole(view: TargetStateView, serverRole: string): TargetStateView {
  const roles = [serverRole, `${serverRole}-blue`, `${serverRole}-green`];
  const targets = view.targets.filter((t) => roles.some((r) => sameName(r, t.role)));
  const named = (s: ServiceVersionTarget) => targets.some((t) => sameName(t.service, s.service) && t.version === s.version);
  return {
    environment: view.environment,
    targets,
    services: view.services.filter(named),
    problems: view.problems.filter((p) => roles.some((r) => p.key.startsWith(`${environmentTargetPrefix(view.environment)}roles/${r}/`))),
  };
}

/** Whether an entry asks the agent of `instanceId` to act (its `InstanceIds` is empty or lists it). */
export function targetApplies(target: RoleTarget, instanceId: string): boolean {
  return target.instanceIds.length === 0 || target.instanceIds.includes(instanceId);
}
