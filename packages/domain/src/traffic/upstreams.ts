/**
 * Upstreams as traffic switching reads them (SPEC §3.8, §7): an upstream of a service in an environment has one host
 * per slice (a registry name and the slice's port), each `up` or `down`. Pure.
 */
import { isJsonObject, stringAt, valueAt, type Json, type JsonObject } from '../json.js';

/** The two slices traffic moves between. */
export type TrafficSlice = 'blue' | 'green';
export const TRAFFIC_SLICES: readonly TrafficSlice[] = ['blue', 'green'];

/** A service's `BluePort` and `GreenPort`. */
export interface SlicePorts {
  blue: number;
  green: number;
}

/** One host of an upstream. */
export interface UpstreamHost {
  /** Its position in `Value.Hosts`, to write its state back. */
  index: number;
  /** A registry (Consul) service name such as `c50-Search-blue`, or a dotted DNS name. */
  dnsName: string;
  port: number;
  /** `State` up, or no `State` at all (§3.8: absent means up). */
  up: boolean;
  /** @default 1 */
  weight: number;
}

/** An upstream item with its version, read into traffic's terms; `data` is the stored document. */
export interface Upstream {
  key: string;
  version: number;
  environment: string;
  name: string;
  service: string;
  hosts: UpstreamHost[];
  data: JsonObject;
}

/** Reads a stored upstream item; undefined when it lacks its environment, name or service (never for a valid item). */
export function readUpstream(item: { key: string; data: JsonObject; version: number }): Upstream | undefined {
  const environment = stringAt(item.data, 'Value.EnvironmentName');
  const name = stringAt(item.data, 'Value.UpstreamName');
  const service = stringAt(item.data, 'Value.ServiceName');
  if (!environment || !name || !service) return undefined;
  const raw = valueAt(item.data, 'Value.Hosts');
  const hosts = (Array.isArray(raw) ? raw : []).flatMap((h, index) => hostOf(h, index));
  return { key: item.key, version: item.version, environment, name, service, hosts, data: item.data };
}

function hostOf(h: Json, index: number): UpstreamHost[] {
  if (!isJsonObject(h) || typeof h.DnsName !== 'string' || typeof h.Port !== 'number') return [];
  const weight = typeof h.Weight === 'number' && h.Weight >= 1 ? h.Weight : 1;
  return [{ index, dnsName: h.DnsName, port: h.Port, up: h.State !== 'down', weight }];
}

/** A service document's `BluePort`/`GreenPort`, when both are numbers. */
export function slicePortsOf(service: JsonObject | undefined): SlicePorts | undefined {
  if (!service) return undefined;
  const blue = valueAt(service, 'Value.BluePort');
  const green = valueAt(service, 'Value.GreenPort');
  return typeof blue === 'number' && typeof green === 'number' ? { blue, green } : undefined;
}

/** Whether a host name is a registry (Consul) service name, found in the catalog, rather than a DNS name (§3.8: no dot). */
export function isRegistryName(dnsName: string): boolean {
  return !dnsName.includes('.');
}

/** The slice a registry name says it serves (`c50-Search-green`), ignoring case; undefined for other names. */
export function sliceOfName(dnsName: string): TrafficSlice | undefined {
  const m = /-(blue|green)$/i.exec(dnsName);
  return m ? (m[1]?.toLowerCase() as TrafficSlice) : undefined;
}

/**
 * The slice a host serves: by its port when the service has both ports (EM's rule: the blue port is blue), else by
 * the suffix of its registry name. Undefined when neither tells.
 */
export function sliceOfHost(host: Pick<UpstreamHost, 'dnsName' | 'port'>, ports: SlicePorts | undefined): TrafficSlice | undefined {
  if (ports) {
    if (host.port === ports.blue) return 'blue';
    if (host.port === ports.green) return 'green';
    return undefined;
  }
  return sliceOfName(host.dnsName);
}

/** One host of an upstream in EM's wire shape of `GET /services/{service}/slices` and `/upstreams/{name}/slices` (SPEC §7). */
export interface UpstreamSliceRecord {
  Key: string;
  EnvironmentName: string;
  ServiceName: string;
  UpstreamName: string;
  DnsName: string;
  Port: number;
  /** The service's owning cluster; '' when the service is not configured. */
  OwningCluster: string;
  Name: 'Blue' | 'Green' | 'Unknown';
  State: 'Active' | 'Inactive';
}

const NAMES = { blue: 'Blue', green: 'Green' } as const;

/** EM's slice records of an upstream, one per host, in host order. */
export function sliceRecordsOf(upstream: Upstream, service: { ports: SlicePorts | undefined; owningCluster: string | undefined }): UpstreamSliceRecord[] {
  return upstream.hosts.map((h) => {
    const slice = sliceOfHost(h, service.ports);
    return {
      Key: upstream.key,
      EnvironmentName: upstream.environment,
      ServiceName: upstream.service,
      UpstreamName: upstream.name,
      DnsName: h.dnsName,
      Port: h.port,
      OwningCluster: service.owningCluster ?? '',
      Name: slice ? NAMES[slice] : 'Unknown',
      State: h.up ? 'Active' : 'Inactive',
    };
  });
}

/**
 * Whether traffic goes to the slice whose registry name is `registryName` (`c50-Hello-green`): true when a host of
 * the upstreams names it and is up, false when hosts name it and all are down, null when no host names it.
 */
export function isSliceActive(upstreams: readonly Upstream[], registryName: string): boolean | null {
  const hosts = upstreams.flatMap((u) => u.hosts).filter((h) => h.dnsName.toLowerCase() === registryName.toLowerCase());
  if (hosts.length === 0) return null;
  return hosts.some((h) => h.up);
}

/** The document of an upstream with each host's `State` set to what `isUp` says (other fields kept). */
export function withHostStates(upstream: Upstream, isUp: (host: UpstreamHost) => boolean): JsonObject {
  const raw = valueAt(upstream.data, 'Value.Hosts');
  const hosts = (Array.isArray(raw) ? raw : []).map((h, index): Json => {
    const host = upstream.hosts.find((x) => x.index === index);
    return host && isJsonObject(h) ? { ...h, State: isUp(host) ? 'up' : 'down' } : h;
  });
  const value = isJsonObject(upstream.data.Value) ? upstream.data.Value : {};
  return { ...upstream.data, Value: { ...value, Hosts: hosts } };
}

/** Slice weights: how much traffic each slice's hosts take (0: down). */
export interface SliceWeights {
  blue: number;
  green: number;
}

/**
 * The upstream document with each slice's hosts set to that slice's weight: up with `Weight` when above 0, down
 * otherwise (keeping their weight). Hosts of neither slice are left as they are. Used by canaries.
 */
export function withSliceWeights(upstream: Upstream, ports: SlicePorts | undefined, weights: SliceWeights): JsonObject {
  const raw = valueAt(upstream.data, 'Value.Hosts');
  const hosts = (Array.isArray(raw) ? raw : []).map((h, index): Json => {
    const host = upstream.hosts.find((x) => x.index === index);
    const slice = host ? sliceOfHost(host, ports) : undefined;
    if (!host || !slice || !isJsonObject(h)) return h;
    const w = weights[slice];
    return w > 0 ? { ...h, State: 'up', Weight: w } : { ...h, State: 'down' };
  });
  const value = isJsonObject(upstream.data.Value) ? upstream.data.Value : {};
  return { ...upstream.data, Value: { ...value, Hosts: hosts } };
}

/** The slice weights of an upstream now (a slice without an up host: 0); undefined when it has neither slice. */
export function sliceWeightsOf(upstream: Upstream, ports: SlicePorts | undefined): SliceWeights | undefined {
  const w: SliceWeights = { blue: 0, green: 0 };
  let seen = false;
  for (const h of upstream.hosts) {
    const slice = sliceOfHost(h, ports);
    if (!slice) continue;
    seen = true;
    if (h.up) w[slice] = Math.max(w[slice], h.weight);
  }
  return seen ? w : undefined;
}
