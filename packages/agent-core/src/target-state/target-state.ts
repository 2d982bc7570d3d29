/**
 * The target state EM writes to the registry's KV for the agents (SPEC §5 "Target state"), and its parsing. Pure.
 *
 * Keys:
 * - `environments/<env>/roles/<runtimeRole>/services/<svc>/<slice>` → `ServiceTargetValue`
 * - `environments/<env>/services/<svc>/<ver>/definition` → `ServiceDefinition` (see service-metadata.ts)
 * - `environments/<env>/services/<svc>/<ver>/installation` → `ServiceInstallation`
 * - `deployments/<id>/nodes/<instanceId>` → `NodeDeploymentStatus` (written by the agent, see node-status.ts)
 */

/** A problem found in the input, located by a path (a registry key, or a field inside a document). */
export interface Problem {
  path: string;
  message: string;
}

/** `none` for an overwrite deployment; `blue`/`green` for a blue/green one. */
export type Slice = 'none' | 'blue' | 'green';
export const SLICES: readonly Slice[] = ['none', 'blue', 'green'];

/** What the agent does with a role entry: install it, leave the service as it is, or remove it. */
export type TargetAction = 'Install' | 'Ignore' | 'Uninstall';
export const TARGET_ACTIONS: readonly TargetAction[] = ['Install', 'Ignore', 'Uninstall'];

/** The JSON value of a role key, exactly as EM writes it. */
export interface ServiceTargetValue {
  Name: string;
  Version: string;
  Slice: Slice;
  DeploymentId: string;
  /** Instances the entry is for; [] means every instance of the role. */
  InstanceIds: string[];
  Action: TargetAction;
  /** Ours, optional: the W3C trace context the deployment was requested with. */
  TraceParent?: string;
}

/** One parsed role entry. */
export interface ServiceTarget {
  /** The registry key it was read from; entries are handled in key order. */
  key: string;
  service: string;
  version: string;
  slice: Slice;
  deploymentId: string;
  /** [] means every instance of the role. */
  instanceIds: string[];
  action: TargetAction;
  /** The deployment's W3C `traceparent`, when EM wrote a valid one: logged at each hook and given to hooks. */
  traceparent?: string;
}

/** Where a role's entries live, with a trailing `/` so that role `Web` does not also match `Web-blue`. */
export function rolePrefix(environment: string, role: string): string {
  return `environments/${environment}/roles/${role}/`;
}

export function roleServiceKey(environment: string, role: string, service: string, slice: Slice): string {
  return `${rolePrefix(environment, role)}services/${service}/${slice}`;
}

export function serviceDefinitionKey(environment: string, service: string, version: string): string {
  return `environments/${environment}/services/${service}/${version}/definition`;
}

export function serviceInstallationKey(environment: string, service: string, version: string): string {
  return `environments/${environment}/services/${service}/${version}/installation`;
}

/** The per-node status of a deployment (SPEC §5 "Monitor"). */
export function nodeStatusKey(deploymentId: string, instanceId: string): string {
  return `deployments/${deploymentId}/nodes/${instanceId}`;
}

/** While this key holds a value, the node is a cold standby (SPEC §6 `block-check`). */
export function coldStandbyKey(instanceId: string): string {
  return `nodes/${instanceId}/cold-standby`;
}

type Obj = Record<string, unknown>;
export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON.parse without throwing: undefined when `text` is not JSON. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, message: err instanceof SyntaxError ? err.message : String(err) };
  }
}

/** Finds `value` among `allowed` ignoring case, so that `install` reads as `Install`. */
function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  if (typeof value !== 'string') return undefined;
  return allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase());
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/**
 * The value as a W3C `traceparent` (lower-cased), or undefined when it is not a valid one: a trace context is optional
 * and advisory, so a bad one is dropped, never a reason to refuse the entry (https://www.w3.org/TR/trace-context/).
 */
export function traceparentOf(v: unknown): string | undefined {
  const m = typeof v === 'string' ? TRACEPARENT.exec(v.trim().toLowerCase()) : null;
  if (!m || m[1] === 'ff' || /^0+$/.test(m[2] ?? '') || /^0+$/.test(m[3] ?? '')) return undefined;
  return m[0];
}

/** The trace id of a valid `traceparent` (for log lines), else undefined. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent?.split('-')[1];
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** Parses one role value; `keyService` and `keySlice` come from the key and must agree with the value. */
function parseTargetValue(key: string, text: string, keyService: string, keySlice: string): ServiceTarget | Problem[] {
  const json = parseJson(text);
  if (!json.ok) return [{ path: key, message: `the value is not JSON (${json.message}); EM writes {Name, Version, Slice, DeploymentId, InstanceIds, Action}` }];
  const v = json.value;
  if (!isObject(v)) return [{ path: key, message: 'the value is not a JSON object; expected {Name, Version, Slice, DeploymentId, InstanceIds, Action}' }];
  const problems: Problem[] = [];
  const at = (field: string, message: string) => problems.push({ path: `${key}.${field}`, message });
  if (!nonEmpty(v.Name)) at('Name', `must be the service name; got ${JSON.stringify(v.Name)}`);
  else if (v.Name.toLowerCase() !== keyService.toLowerCase()) at('Name', `'${v.Name}' does not match the service '${keyService}' of the key`);
  if (!nonEmpty(v.Version)) at('Version', `must be the package version; got ${JSON.stringify(v.Version)}`);
  if (!nonEmpty(v.DeploymentId)) at('DeploymentId', `must be the deployment id; got ${JSON.stringify(v.DeploymentId)}`);
  const slice = oneOf(v.Slice ?? keySlice, SLICES);
  if (!slice) at('Slice', `must be one of ${SLICES.join(', ')}; got ${JSON.stringify(v.Slice)}`);
  else if (slice !== keySlice.toLowerCase()) at('Slice', `'${slice}' does not match the slice '${keySlice}' of the key`);
  const action = v.Action === undefined ? 'Install' : oneOf(v.Action, TARGET_ACTIONS);
  if (!action) at('Action', `must be one of ${TARGET_ACTIONS.join(', ')}; got ${JSON.stringify(v.Action)}`);
  const ids = v.InstanceIds ?? [];
  const isIdList = Array.isArray(ids) && ids.every((i) => typeof i === 'string');
  if (!isIdList) at('InstanceIds', 'must be a list of instance ids ([] for every instance)');
  if (problems.length > 0 || !slice || !action || !isIdList) return problems;
  const target: ServiceTarget = {
    key,
    service: (v.Name as string).trim(),
    version: (v.Version as string).trim(),
    slice,
    deploymentId: (v.DeploymentId as string).trim(),
    instanceIds: ids,
    action,
  };
  const traceparent = traceparentOf(v.TraceParent);
  if (traceparent) target.traceparent = traceparent;
  return target;
}

/**
 * The role's entries from a recursive read of `rolePrefix(environment, role)`, in key order. Keys under the prefix
 * that are not `services/<svc>/<slice>` are ignored; entries whose value is invalid are left out and reported in
 * `problems` (each problem of each entry), so one bad entry does not stop the others.
 */
export function parseTargetState(
  entries: readonly { key: string; value: string }[],
  where: { environment: string; role: string },
): { targets: ServiceTarget[]; problems: Problem[] } {
  const prefix = rolePrefix(where.environment, where.role);
  const targets: ServiceTarget[] = [];
  const problems: Problem[] = [];
  const sorted = [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const entry of sorted) {
    if (!entry.key.startsWith(prefix)) continue;
    const parts = entry.key.slice(prefix.length).split('/');
    if (parts.length !== 3 || parts[0] !== 'services' || !parts[1] || !parts[2]) continue;
    const parsed = parseTargetValue(entry.key, entry.value, parts[1], parts[2]);
    if (Array.isArray(parsed)) problems.push(...parsed);
    else targets.push(parsed);
  }
  return { targets, problems };
}
