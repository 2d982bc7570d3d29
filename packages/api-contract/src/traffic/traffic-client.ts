import { parseReply, type Send } from '../client/transport.js';
import { UpstreamSlicesSchema, ToggleResultSchema, type ToggleResultDto, type UpstreamSliceDto } from './traffic-schemas.js';

/**
 * Traffic switching (SPEC §7): the slices of an upstream, and toggles. Failures are ApiErrors: `not-found` (404) for
 * an unknown environment, service or upstream and `no-upstreams` (404) for a service without one; `permission-denied`
 * (403); `deployment-in-progress` and `version-conflict` (409); `upstream-not-toggleable`, `slice-unhealthy` and
 * `ambiguous-upstream` (422).
 */
export interface TrafficApi {
  /** The hosts of the upstreams named `name`: their slice and whether each is active. */
  upstreamSlices(name: string, q?: { environment?: string | undefined; active?: boolean | undefined }): Promise<UpstreamSliceDto[]>;
  /** Toggles every upstream of a service in an environment: to `active`, or flipped without it. */
  toggleServiceSlices(service: string, q: { environment: string; active?: 'blue' | 'green' | undefined }): Promise<ToggleResultDto>;
  /** Toggles one upstream by name (`environment` is needed when several environments have one of that name). */
  toggleUpstreamSlices(name: string, q?: { environment?: string | undefined; active?: 'blue' | 'green' | undefined }): Promise<ToggleResultDto>;
}

const enc = encodeURIComponent;
const flag = (v: boolean | undefined) => (v === undefined ? undefined : String(v));

export function createTrafficApi(send: Send): TrafficApi {
  return {
    async upstreamSlices(name, q = {}) {
      const reply = await send({ method: 'GET', path: `upstreams/${enc(name)}/slices`, query: { environment: q.environment, active: flag(q.active) } });
      return parseReply(reply, UpstreamSlicesSchema);
    },
    async toggleServiceSlices(service, q) {
      const reply = await send({ method: 'PUT', path: `services/${enc(service)}/slices/toggle`, query: { environment: q.environment, active: q.active } });
      return parseReply(reply, ToggleResultSchema);
    },
    async toggleUpstreamSlices(name, q = {}) {
      const reply = await send({ method: 'PUT', path: `upstreams/${enc(name)}/slices/toggle`, query: { environment: q.environment, active: q.active } });
      return parseReply(reply, ToggleResultSchema);
    },
  };
}
