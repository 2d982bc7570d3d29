import { isSliceActive, NotFoundError, slicePortsOf, sliceRecordsOf, stringAt, type Actor, type Upstream, type UpstreamSliceRecord } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';
import { requireSignedIn } from '../identity/access.js';
import { findIgnoringCase, loadUpstreams } from './load-traffic.js';

/** EM's slice records of upstreams, one per host; with `active`, only the hosts whose state matches. */
async function recordsOf(store: ConfigStore, upstreams: readonly Upstream[], active: boolean | undefined): Promise<UpstreamSliceRecord[]> {
  const services = new Map<string, Awaited<ReturnType<typeof findIgnoringCase>>>();
  for (const name of new Set(upstreams.map((u) => u.service))) services.set(name, await findIgnoringCase(store, 'services', name));
  return upstreams
    .flatMap((u) => {
      const svc = services.get(u.service)?.data;
      return sliceRecordsOf(u, { ports: slicePortsOf(svc), owningCluster: svc ? stringAt(svc, 'OwningCluster') : undefined });
    })
    .filter((r) => active === undefined || (r.State === 'Active') === active);
}

/**
 * The slices of the upstreams named `name` (ignoring case; in `environment` when given), one record per host with
 * its slice (Blue, Green, Unknown by the service's ports) and state (Active = up). @throws NotFoundError for none
 */
export async function getUpstreamSlices(
  deps: { config: { store: ConfigStore } },
  actor: Actor,
  q: { name: string; environment?: string | undefined; active?: boolean | undefined },
): Promise<UpstreamSliceRecord[]> {
  requireSignedIn(actor);
  const all = await loadUpstreams(deps.config.store, q.environment !== undefined ? { environment: q.environment } : {});
  const matches = all.filter((u) => u.name.toLowerCase() === q.name.toLowerCase());
  if (matches.length === 0) throw new NotFoundError('upstream', q.name, q.environment !== undefined ? { environment: q.environment } : {});
  return recordsOf(deps.config.store, matches, q.active);
}

/** Which slices of a service take traffic in an environment, from its upstreams there. */
export interface ServiceTraffic {
  /** The service's upstreams in the environment. */
  upstreams: Upstream[];
  /** EM's records of their hosts (filtered by `active` when asked). */
  records: UpstreamSliceRecord[];
  /** Whether a slice's registry name (`c50-Hello-green`) takes traffic: true (a host naming it is up), false, or null (none names it). */
  isActive(registryName: string): boolean | null;
}

/**
 * The traffic side of `GET /services/{service}/slices`: the service's upstreams in the environment (none when the
 * service is not configured). Does not check that the environment exists; the read side of services does.
 */
export async function getServiceTraffic(
  deps: { config: { store: ConfigStore } },
  actor: Actor,
  q: { environment: string; service: string; active?: boolean | undefined },
): Promise<ServiceTraffic> {
  requireSignedIn(actor);
  const service = await findIgnoringCase(deps.config.store, 'services', q.service);
  const upstreams = service ? await loadUpstreams(deps.config.store, { environment: q.environment, service: service.key }) : [];
  const records = await recordsOf(deps.config.store, upstreams, q.active);
  return { upstreams, records, isActive: (registryName) => isSliceActive(upstreams, registryName) };
}
