/**
 * Toggling traffic between a service's slices (SPEC §7): the rules, checked for every upstream before anything is
 * written, and the new documents. Pure: the application layer loads the upstreams, the service's ports, the
 * registry's healthy instances and the deployments in progress, and writes the result in one conditional commit.
 */
import type { JsonObject } from '../json.js';
import { isRegistryName, sliceOfHost, sliceOfName, withHostStates, type SlicePorts, type TrafficSlice, type Upstream, type UpstreamHost } from './upstreams.js';

/** A refusal of a toggle; `kind` maps to the HTTP status (not-found 404, conflict 409, unprocessable 422). */
export interface ToggleRefusal {
  ok: false;
  kind: 'not-found' | 'conflict' | 'unprocessable';
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export interface ToggleInput {
  /** The upstreams to toggle, at least one: a service's in an environment, or the one upstream named. */
  upstreams: readonly Upstream[];
  /** The service's `BluePort`/`GreenPort`; undefined when it lacks one (then no upstream can be toggled). */
  ports: SlicePorts | undefined;
  /** The slice to make active (its host up, the other down). Undefined flips every upstream. */
  active?: TrafficSlice | undefined;
  /**
   * Instances whose checks all pass, by registry name (lower-cased), for the hosts that would go up; a missing name
   * counts as none. Hosts with a dotted DNS name are outside the registry and not checked.
   */
  passing: Readonly<Record<string, number>>;
  /** An active deployment of the service to the environment, which refuses the toggle. */
  deploymentInProgress?: { id: string; slice: string } | undefined;
}

/** What a toggle does to one upstream. */
export interface UpstreamToggle {
  upstream: Upstream;
  /** The slice that takes this upstream's traffic afterwards. */
  active: TrafficSlice;
  /** The host that goes (or stays) up. */
  host: UpstreamHost;
  /** False when the upstream already routes to `active`: nothing to write. */
  changed: boolean;
  /** The upstream's document after the toggle. */
  data: JsonObject;
}

export type TogglePlan = { ok: true; toggles: UpstreamToggle[] } | ToggleRefusal;

const refuse = (kind: ToggleRefusal['kind'], code: string, message: string, details: Record<string, unknown>): ToggleRefusal => ({ ok: false, kind, code, message, details });

/** `upstream 'c50-search' (service Search, environment c50)`: how messages name an upstream. */
export function describeUpstream(u: Pick<Upstream, 'name' | 'service' | 'environment'>): string {
  return `upstream '${u.name}' (service ${u.service}, environment ${u.environment})`;
}

/**
 * Why an upstream cannot be toggled, or undefined when it can: it must have exactly two hosts, one up and one
 * down, one on the service's blue port and one on its green port; a registry name that names a slice
 * (`…-green`) must sit on that slice's port.
 */
export function toggleProblem(u: Upstream, ports: SlicePorts | undefined): string | undefined {
  const n = u.hosts.length;
  if (n !== 2) {
    const has = n === 0 ? 'no host' : n === 1 ? 'only one host' : `${n} hosts`;
    return `it has ${has}; a toggle needs exactly two, one per slice (blue and green)`;
  }
  if (!ports) return `service '${u.service}' has no BluePort and GreenPort, so EM cannot tell which host is blue and which green; set both ports on the service`;
  const [a, b] = u.hosts as [UpstreamHost, UpstreamHost];
  if (a.up === b.up) return `both its hosts are ${a.up ? 'up' : 'down'}; set one of them ${a.up ? 'down' : 'up'} first, so that one slice is active`;
  for (const h of [a, b]) {
    const slice = sliceOfHost(h, ports);
    if (!slice) return `host ${h.dnsName}:${h.port} is on neither the blue port (${ports.blue}) nor the green port (${ports.green}) of service '${u.service}'`;
    const named = isRegistryName(h.dnsName) ? sliceOfName(h.dnsName) : undefined;
    if (named && named !== slice) return `host ${h.dnsName} is on the ${slice} port ${h.port}, but its name says ${named}; fix the host's DnsName or Port`;
  }
  if (sliceOfHost(a, ports) === sliceOfHost(b, ports)) return `both its hosts are on the ${sliceOfHost(a, ports) ?? ''} port; one must be on the blue port (${ports.blue}), the other on the green port (${ports.green})`;
  return undefined;
}

/**
 * Plans a toggle of `upstreams`, checking all of them before anything is written. Refusals, in this order:
 * `upstream-not-toggleable` (422: an upstream breaks the rules of `toggleProblem`; `problems` lists each),
 * `deployment-in-progress` (409), `slice-unhealthy` (422: a host that would go up has no instance whose checks all
 * pass in the registry). Without `active` each upstream flips (its down host goes up); with it, the `active` slice's
 * host goes up and the other down, and an upstream already so is left as it is (`changed: false`).
 */
export function planToggle(input: ToggleInput): TogglePlan {
  const problems = input.upstreams.flatMap((u) => {
    const reason = toggleProblem(u, input.ports);
    return reason ? [{ upstream: u.name, key: u.key, reason }] : [];
  });
  const first = problems[0];
  if (first) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more upstream${problems.length > 2 ? 's' : ''})` : '';
    const u = input.upstreams.find((x) => x.key === first.key);
    return refuse('unprocessable', 'upstream-not-toggleable', `${u ? describeUpstream(u) : first.upstream} cannot be toggled: ${first.reason}${more}`, { problems });
  }
  const toggles = input.upstreams.map((u) => toggleOf(u, input.ports as SlicePorts, input.active));
  const sample = input.upstreams[0];
  const busy = input.deploymentInProgress;
  if (busy && sample) {
    return refuse(
      'conflict',
      'deployment-in-progress',
      `deployment '${busy.id}' of '${sample.service}' to '${sample.environment}' (slice ${busy.slice}) is still in progress; toggle when it has ended, or cancel it`,
      { environment: sample.environment, service: sample.service, activeDeploymentId: busy.id },
    );
  }
  const unhealthy = toggles.filter((t) => t.changed && isRegistryName(t.host.dnsName) && (input.passing[t.host.dnsName.toLowerCase()] ?? 0) === 0);
  const sick = unhealthy[0];
  if (sick) {
    const names = [...new Set(unhealthy.map((t) => t.host.dnsName))];
    return refuse(
      'unprocessable',
      'slice-unhealthy',
      `slice ${sick.active} of ${sick.upstream.service} in ${sick.upstream.environment} has no healthy instance: no instance of ${names.join(', ')} passes all its health checks; deploy to it (mode bluegreen, slice ${sick.active}) or wait for its checks to pass, then toggle`,
      { environment: sick.upstream.environment, service: sick.upstream.service, slice: sick.active, registryNames: names },
    );
  }
  return { ok: true, toggles };
}

function toggleOf(u: Upstream, ports: SlicePorts, active: TrafficSlice | undefined): UpstreamToggle {
  // toggleProblem has checked: two hosts, one up and one down, one on each slice's port
  const down = u.hosts.find((h) => !h.up) as UpstreamHost;
  const target: TrafficSlice = active ?? sliceOfHost(down, ports) ?? 'blue';
  const host = u.hosts.find((h) => sliceOfHost(h, ports) === target) as UpstreamHost;
  const changed = !host.up;
  return { upstream: u, active: target, host, changed, data: withHostStates(u, (h) => h.index === host.index) };
}

/**
 * The upstreams an upstream name means (ignoring case), in one environment when given. Refuses `not-found` (404)
 * for none and `ambiguous-upstream` (422) for several, naming their keys (SPEC §7: several matches = error).
 */
export function upstreamNamed(upstreams: readonly Upstream[], name: string, environment?: string): { ok: true; upstream: Upstream } | ToggleRefusal {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const matches = upstreams.filter((u) => same(u.name, name) && (environment === undefined || same(u.environment, environment)));
  const where = environment !== undefined ? ` in environment '${environment}'` : '';
  if (matches.length === 0) return refuse('not-found', 'not-found', `upstream '${name}'${where} does not exist`, { key: name });
  if (matches.length > 1) {
    const keys = matches.map((u) => u.key);
    return refuse('unprocessable', 'ambiguous-upstream', `upstream name '${name}'${where} is ambiguous: ${keys.join(', ')} all match; give the environment, or rename one`, { keys });
  }
  return { ok: true, upstream: matches[0] as Upstream };
}
