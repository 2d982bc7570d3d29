import {
  isRegistryName,
  itemFacts,
  NotFoundError,
  planToggle,
  RefusedError,
  slicePortsOf,
  stringAt,
  upstreamNamed,
  VersionConflictError,
  type ConfigItem,
  type ToggleRefusal,
  type TrafficSlice,
  type Upstream,
  type UpstreamToggle,
} from '@envmgr/domain';
import type { ConfigChange } from '@envmgr/ports';
import type { RequestContext } from '../context.js';
import { changeContext } from '../config/write-items.js';
import { requirePermission } from '../identity/access.js';
import { findIgnoringCase, loadUpstreams } from './load-traffic.js';
import type { TrafficDeps } from './traffic-deps.js';

/** The event of every toggle that changed something; its data is the toggle's result. */
export const TRAFFIC_TOGGLED = 'traffic.toggled';

/** What a toggle did. */
export interface ToggleResult {
  environment: string;
  service: string;
  /** The upstreams written (EM's `ToggledUpstreams`), by name. */
  toggled: string[];
  /** The upstreams that already sent their traffic to the asked slice, by name: not written. */
  unchanged: string[];
  /** Each upstream's active slice afterwards, with its version. */
  upstreams: { name: string; key: string; active: TrafficSlice; version: number }[];
}

const refused = (r: ToggleRefusal) => new RefusedError(r.kind, r.code, r.message, r.details);

/** The path a toggle is authorised against (SPEC §9: the route's path under /api/v1, without the query). */
export function serviceToggleResource(service: string): string {
  return `/services/${service}/slices/toggle`;
}
export function upstreamToggleResource(name: string): string {
  return `/upstreams/${name}/slices/toggle`;
}

/**
 * Toggles the slices of a service in an environment (SPEC §7): every upstream of the service there. Without
 * `active` each flips; with it, `active`'s host goes up and the other down. All upstreams are checked, then written
 * in one commit conditional on the versions read (audited with the actor and request id).
 * @throws NotFoundError (404: environment, service, or `no-upstreams`), ForbiddenError (403: PUT on the route's path
 * for the environment's owning cluster and type), RefusedError `upstream-not-toggleable` (422),
 * `deployment-in-progress` (409), `slice-unhealthy` (422), `version-conflict` (409: an upstream changed meanwhile)
 */
export async function toggleServiceSlices(
  deps: TrafficDeps,
  ctx: RequestContext,
  cmd: { environment: string; service: string; active?: TrafficSlice | undefined },
): Promise<ToggleResult> {
  const store = deps.config.store;
  const env = await store.get('environments', cmd.environment);
  if (!env) throw new NotFoundError('environment', cmd.environment);
  const service = await findIgnoringCase(store, 'services', cmd.service);
  if (!service) throw new NotFoundError('service', cmd.service, { environment: env.key });
  authorize(ctx, env, serviceToggleResource(cmd.service));
  const upstreams = await loadUpstreams(store, { environment: env.key, service: service.key });
  if (upstreams.length === 0) {
    throw new RefusedError(
      'not-found',
      'no-upstreams',
      `service '${service.key}' has no upstream in environment '${env.key}', so there is no traffic to toggle; create one with a host per slice (envmgr config create upstreams --file upstream.json)`,
      { environment: env.key, service: service.key },
    );
  }
  return toggle(deps, ctx, { env, service, upstreams, active: cmd.active });
}

/**
 * Toggles one upstream by name (ignoring case; in `environment` when given), with the rules of
 * `toggleServiceSlices`. @throws as it, and `ambiguous-upstream` (422) when several upstreams have the name
 */
export async function toggleUpstreamSlices(
  deps: TrafficDeps,
  ctx: RequestContext,
  cmd: { name: string; environment?: string | undefined; active?: TrafficSlice | undefined },
): Promise<ToggleResult> {
  const store = deps.config.store;
  const found = upstreamNamed(await loadUpstreams(store, cmd.environment !== undefined ? { environment: cmd.environment } : {}), cmd.name, cmd.environment);
  if (!found.ok) {
    if (found.kind === 'not-found') throw new NotFoundError('upstream', cmd.name, cmd.environment !== undefined ? { environment: cmd.environment } : {});
    throw refused(found);
  }
  const u = found.upstream;
  const env = await store.get('environments', u.environment);
  if (!env) throw new NotFoundError('environment', u.environment);
  authorize(ctx, env, upstreamToggleResource(cmd.name));
  const service = await findIgnoringCase(store, 'services', u.service);
  return toggle(deps, ctx, { env, service, upstreams: [u], active: cmd.active });
}

function authorize(ctx: RequestContext, env: ConfigItem, resource: string): void {
  const cluster = stringAt(env.data, 'Value.OwningCluster');
  const type = stringAt(env.data, 'Value.EnvironmentType');
  requirePermission(ctx.actor, { method: 'PUT', resource, clusters: cluster ? [cluster] : [], environmentTypes: type ? [type] : [] });
}

async function toggle(
  deps: TrafficDeps,
  ctx: RequestContext,
  p: { env: ConfigItem; service: ConfigItem | undefined; upstreams: Upstream[]; active: TrafficSlice | undefined },
): Promise<ToggleResult> {
  const serviceName = p.service?.key ?? p.upstreams[0]?.service ?? '';
  const [busy] = await deps.deployments.findActive(p.env.key, serviceName);
  const plan = planToggle({
    upstreams: p.upstreams,
    ports: slicePortsOf(p.service?.data),
    active: p.active,
    passing: await passingCounts(deps, p.upstreams),
    deploymentInProgress: busy ? { id: busy.record.id, slice: busy.record.plan.slice } : undefined,
  });
  if (!plan.ok) throw refused(plan);
  const written = await commitToggles(deps, ctx, plan.toggles);
  const result: ToggleResult = {
    environment: p.env.key,
    service: serviceName,
    toggled: plan.toggles.filter((t) => t.changed).map((t) => t.upstream.name),
    unchanged: plan.toggles.filter((t) => !t.changed).map((t) => t.upstream.name),
    upstreams: plan.toggles.map((t) => ({ name: t.upstream.name, key: t.upstream.key, active: t.active, version: written.get(t.upstream.key) ?? t.upstream.version })),
  };
  if (result.toggled.length > 0) {
    deps.events.publish({
      type: TRAFFIC_TOGGLED,
      subject: { environment: result.environment, service: result.service },
      data: { ...result, upstreams: result.upstreams.map((u) => ({ ...u })), actor: ctx.actor.name, requestId: ctx.requestId },
    });
  }
  return result;
}

/** Instances passing all their checks, by lower-cased registry name, for every registry-named host of the upstreams. */
async function passingCounts(deps: TrafficDeps, upstreams: readonly Upstream[]): Promise<Record<string, number>> {
  const names = [...new Set(upstreams.flatMap((u) => u.hosts.map((h) => h.dnsName)).filter(isRegistryName))];
  const counts = await Promise.all(names.map(async (n) => [n.toLowerCase(), (await deps.registry.healthService(n, { passing: true })).value.length] as const));
  return Object.fromEntries(counts);
}

/** One commit of every changed upstream at the version read; the new versions by key. */
async function commitToggles(deps: TrafficDeps, ctx: RequestContext, toggles: readonly UpstreamToggle[]): Promise<Map<string, number>> {
  const changes: ConfigChange[] = toggles
    .filter((t) => t.changed)
    .map((t) => ({ op: 'update', type: 'upstreams', key: t.upstream.key, data: t.data, expectedVersion: t.upstream.version, ...itemFacts('upstreams', t.data) }));
  if (changes.length === 0) return new Map();
  try {
    const { items } = await deps.config.store.commit(changes, changeContext(deps.config, ctx));
    return new Map(items.flatMap((i) => (i ? [[i.key, i.version] as const] : [])));
  } catch (err) {
    if (!(err instanceof VersionConflictError)) throw err;
    const key = typeof err.details.key === 'string' ? err.details.key : '';
    throw new RefusedError(
      'conflict',
      'version-conflict',
      `upstream '${key}' changed while the toggle was being checked, so nothing was written; look at the slices again (envmgr slices) and retry`,
      err.details,
    );
  }
}
