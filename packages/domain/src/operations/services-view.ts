/**
 * The services of an environment as a user sees them: what the target state asks for, which versions and slices
 * run, on how many instances, and how healthy they are. Pure.
 */
import type { Slice } from '../deployments/deployment.js';
import { slicePortOf } from '../deployments/naming.js';
import { sameName, summarizeHealth, type CheckState, type HealthSummary, type RunningInstance } from './registrations.js';
import type { RoleTarget, TargetAction, TargetStateView } from './target-state-view.js';

/** Orders version strings (semver precedence where both are versions). */
export type VersionOrder = (a: string, b: string) => number;

/** A role entry of a service, without the service. */
export interface ServiceTargetSummary {
  role: string;
  slice: Slice;
  version: string;
  deploymentId: string;
  action: TargetAction;
}

export interface SliceSummary {
  slice: Slice;
  /** Versions registered, in version order. */
  versions: string[];
  health: HealthSummary;
}

export interface ServiceSummary {
  service: string;
  /** Its role entries in the target state, in key order. */
  target: ServiceTargetSummary[];
  /** Versions registered on any slice, in version order. */
  versions: string[];
  slices: SliceSummary[];
  health: HealthSummary;
}

/** One registered instance of a service, for health and slice views. */
export interface ServiceInstanceView {
  instanceId: string;
  address: string;
  port: number;
  serviceId: string;
  slice: Slice;
  version: string | undefined;
  deploymentId: string | undefined;
  serverRole: string | undefined;
  status: CheckState;
  checks: RunningInstance['checks'];
}

export interface SliceView {
  slice: Slice;
  /** The registry name of the slice: `<env>-<service>[-<slice>]`. */
  registryName: string;
  /** The slice's port from the service's configuration (`BluePort`/`GreenPort`); instances with a port block use their own. */
  port: number | undefined;
  target: ServiceTargetSummary[];
  versions: string[];
  instances: ServiceInstanceView[];
  health: HealthSummary;
}

const SLICE_ORDER: readonly Slice[] = ['none', 'blue', 'green'];
const bySlice = (a: Slice, b: Slice) => SLICE_ORDER.indexOf(a) - SLICE_ORDER.indexOf(b);
const distinct = (values: readonly (string | undefined)[], order: VersionOrder): string[] =>
  [...new Set(values.filter((v): v is string => v !== undefined))].sort(order);
const summary = (t: RoleTarget): ServiceTargetSummary => ({ role: t.role, slice: t.slice, version: t.version, deploymentId: t.deploymentId, action: t.action });

/** Every service named by the target state or registered, by name (ignoring case), the target state's spelling first. */
export function serviceNames(view: TargetStateView, running: readonly RunningInstance[]): string[] {
  const names: string[] = [];
  for (const n of [...view.targets.map((t) => t.service), ...running.map((r) => r.service)]) {
    if (!names.some((x) => sameName(x, n))) names.push(n);
  }
  return names.sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()) || (a < b ? -1 : a > b ? 1 : 0));
}

/** The instances of one service, optionally of one slice, ordered by slice then instance. */
export function instancesOfService(running: readonly RunningInstance[], service: string, slice?: Slice): ServiceInstanceView[] {
  return running
    .filter((r) => sameName(r.service, service) && (slice === undefined || r.slice === slice))
    .sort((a, b) => bySlice(a.slice, b.slice) || (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0))
    .map((r) => ({
      instanceId: r.instanceId,
      address: r.address,
      port: r.port,
      serviceId: r.serviceId,
      slice: r.slice,
      version: r.version,
      deploymentId: r.deploymentId,
      serverRole: r.serverRole,
      status: r.status,
      checks: r.checks,
    }));
}

/** One summary per service of the environment. */
export function summarizeServices(p: { targetState: TargetStateView; running: readonly RunningInstance[]; order: VersionOrder }): ServiceSummary[] {
  return serviceNames(p.targetState, p.running).map((service) => {
    const instances = instancesOfService(p.running, service);
    const slices = [...new Set(instances.map((i) => i.slice))].sort(bySlice).map((slice) => {
      const of = instances.filter((i) => i.slice === slice);
      return { slice, versions: distinct(of.map((i) => i.version), p.order), health: summarizeHealth(of) };
    });
    return {
      service,
      target: p.targetState.targets.filter((t) => sameName(t.service, service)).map(summary),
      versions: distinct(instances.map((i) => i.version), p.order),
      slices,
      health: summarizeHealth(instances),
    };
  });
}

/**
 * The slices of one service: those the target state names and those registered, in the order none, blue, green.
 * `ports` are the service's configured `BluePort`/`GreenPort`, when known.
 */
export function serviceSlices(p: {
  environment: string;
  service: string;
  targetState: TargetStateView;
  running: readonly RunningInstance[];
  ports: { blue: number; green: number } | undefined;
  order: VersionOrder;
}): SliceView[] {
  const targets = p.targetState.targets.filter((t) => sameName(t.service, p.service));
  const instances = instancesOfService(p.running, p.service);
  const slices = [...new Set([...targets.map((t) => t.slice), ...instances.map((i) => i.slice)])].sort(bySlice);
  return slices.map((slice) => {
    const of = instances.filter((i) => i.slice === slice);
    return {
      slice,
      registryName: slice === 'none' ? `${p.environment}-${p.service}` : `${p.environment}-${p.service}-${slice}`,
      port: p.ports ? slicePortOf(slice, p.ports) : undefined,
      target: targets.filter((t) => t.slice === slice).map(summary),
      versions: distinct(of.map((i) => i.version), p.order),
      instances: of,
      health: summarizeHealth(of),
    };
  });
}
