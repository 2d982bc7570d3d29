import { itemFacts, sliceWeightsOf, slicePortsOf, withSliceWeights, type SliceWeights } from '@envmgr/domain';
import type { ChangeContext, ConfigChange, ConfigStore } from '@envmgr/ports';
import { findIgnoringCase, loadUpstreams } from '../traffic/load-traffic.js';

/** Who canary weight changes are recorded as, in the audit. */
export const CANARY_ACTOR = 'system:canary';

async function upstreamsOf(store: ConfigStore, environment: string, service: string) {
  const svc = await findIgnoringCase(store, 'services', service);
  return { ports: slicePortsOf(svc?.data), upstreams: await loadUpstreams(store, { environment, service: svc?.key ?? service }) };
}

/** The slice weights of a service's upstreams in an environment (the first that has both slices); undefined without. */
export async function readSliceWeights(store: ConfigStore, environment: string, service: string): Promise<SliceWeights | undefined> {
  const { ports, upstreams } = await upstreamsOf(store, environment, service);
  for (const u of upstreams) {
    const w = sliceWeightsOf(u, ports);
    if (w) return w;
  }
  return undefined;
}

/**
 * Sets the weights of every upstream of a service in an environment in one commit, each conditional on the version
 * read (a concurrent change makes it throw VersionConflictError, and the driver tries again on its next pass), audited
 * as `system:canary` with the deployment id as the request id. Upstreams already so are not written.
 */
export async function setSliceWeights(
  deps: { store: ConfigStore; now: () => number },
  c: { environment: string; service: string; weights: SliceWeights; deploymentId: string },
): Promise<number> {
  const { ports, upstreams } = await upstreamsOf(deps.store, c.environment, c.service);
  const changes: ConfigChange[] = [];
  for (const u of upstreams) {
    const now = sliceWeightsOf(u, ports);
    if (!now || (now.blue === c.weights.blue && now.green === c.weights.green)) continue;
    const data = withSliceWeights(u, ports, c.weights);
    changes.push({ op: 'update', type: 'upstreams', key: u.key, data, expectedVersion: u.version, ...itemFacts('upstreams', data) });
  }
  if (changes.length === 0) return 0;
  const ctx: ChangeContext = { actor: CANARY_ACTOR, requestId: c.deploymentId, at: new Date(deps.now()).toISOString() };
  await deps.store.commit(changes, ctx);
  return changes.length;
}
