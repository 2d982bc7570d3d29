import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../json.js';
import { planToggle, toggleProblem, upstreamNamed, type ToggleInput } from './toggle.js';
import { readUpstream, type Upstream } from './upstreams.js';

const PORTS = { blue: 40100, green: 40101 };

function anUpstream(hosts: JsonObject[], o: { env?: string; name?: string; version?: number } = {}): Upstream {
  const env = o.env ?? 'c50';
  const name = o.name ?? `${env}-search`;
  const data: JsonObject = { Value: { EnvironmentName: env, UpstreamName: name, ServiceName: 'Search', Hosts: hosts, LoadBalancingMethod: 'least_conn' } };
  const u = readUpstream({ key: `/${env}_${name}/config`, data, version: o.version ?? 5 });
  if (!u) throw new TypeError('bad fixture');
  return u;
}
const blue = (State?: string, extra: JsonObject = {}): JsonObject => ({ DnsName: 'c50-Search-blue', Port: 40100, ...(State ? { State } : {}), ...extra });
const green = (State?: string, extra: JsonObject = {}): JsonObject => ({ DnsName: 'c50-Search-green', Port: 40101, ...(State ? { State } : {}), ...extra });
const healthy = { 'c50-search-blue': 2, 'c50-search-green': 2 };
const plan = (upstreams: Upstream[], o: Partial<ToggleInput> = {}) => planToggle({ upstreams, ports: PORTS, passing: healthy, ...o });
const statesOf = (data: JsonObject) => ((data.Value as JsonObject).Hosts as { DnsName: string; State: string }[]).map((h) => `${h.DnsName}:${h.State}`);

describe('toggleProblem: the rules of SPEC §7, per upstream', () => {
  it.each([
    ['no host', [], /it has no host; a toggle needs exactly two/],
    ['one host', [blue('up')], /it has only one host/],
    ['three hosts', [blue('up'), green('down'), { DnsName: 'c50-Search-old', Port: 40100, State: 'down' }], /it has 3 hosts/],
    ['both up', [blue('up'), green('up')], /both its hosts are up; set one of them down first/],
    ['both up (State absent means up)', [blue(), green()], /both its hosts are up/],
    ['both down', [blue('down'), green('down')], /both its hosts are down; set one of them up first/],
    ['a port of neither slice', [blue('up'), { DnsName: 'c50-Search-green', Port: 40102, State: 'down' }], /c50-Search-green:40102 is on neither the blue port \(40100\) nor the green port \(40101\)/],
    ['both on the blue port', [blue('up'), { DnsName: 'c50-Search-x', Port: 40100, State: 'down' }], /both its hosts are on the blue port/],
    ['a name saying the other slice', [{ DnsName: 'c50-Search-green', Port: 40100, State: 'up' }, { DnsName: 'c50-Search-blue', Port: 40101, State: 'down' }], /c50-Search-green is on the blue port 40100, but its name says green/],
  ])('refuses %s', (_what, hosts, reason) => {
    expect(toggleProblem(anUpstream(hosts), PORTS)).toMatch(reason);
  });

  it('refuses when the service has no blue and green ports', () => {
    expect(toggleProblem(anUpstream([blue('up'), green('down')]), undefined)).toMatch(/service 'Search' has no BluePort and GreenPort/);
  });

  it.each([
    ['registry names', [blue('up'), green('down')]],
    ['DNS names, judged by port', [{ DnsName: 'search-a.c50.example.com', Port: 40100, State: 'down' }, { DnsName: 'search-b.c50.example.com', Port: 40101 }]],
  ])('accepts two hosts, one up, on the blue and green ports: %s', (_what, hosts) => {
    expect(toggleProblem(anUpstream(hosts), PORTS)).toBeUndefined();
  });
});

describe('planToggle', () => {
  it('flips each upstream without `active`: the down host goes up, the up host down; other fields are kept', () => {
    const r = plan([anUpstream([blue('up', { Weight: 3 }), green('down')])]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [t] = r.toggles;
    expect(t).toMatchObject({ active: 'green', changed: true, host: { dnsName: 'c50-Search-green' } });
    expect(statesOf(t!.data)).toEqual(['c50-Search-blue:down', 'c50-Search-green:up']);
    expect(((t!.data.Value as JsonObject).Hosts as JsonObject[])[0]).toEqual({ DnsName: 'c50-Search-blue', Port: 40100, State: 'down', Weight: 3 });
    expect((t!.data.Value as JsonObject).LoadBalancingMethod).toBe('least_conn');
  });

  it('with `active`, puts that slice up and the other down, and leaves an upstream already so unchanged', () => {
    const already = anUpstream([blue('down'), green('up')], { name: 'c50-search-a' });
    const other = anUpstream([blue('up'), green('down')], { name: 'c50-search-b' });
    const r = plan([already, other], { active: 'green' });
    expect(r.ok && r.toggles.map((t) => [t.upstream.name, t.active, t.changed, statesOf(t.data).join(' ')])).toEqual([
      ['c50-search-a', 'green', false, 'c50-Search-blue:down c50-Search-green:up'],
      ['c50-search-b', 'green', true, 'c50-Search-blue:down c50-Search-green:up'],
    ]);
  });

  it('checks every upstream before writing any: one bad upstream refuses all, naming each problem', () => {
    const r = plan([anUpstream([blue('up'), green('down')], { name: 'c50-ok' }), anUpstream([blue('up')], { name: 'c50-one' }), anUpstream([blue('up'), green('up')], { name: 'c50-two' })]);
    expect(r).toMatchObject({ ok: false, kind: 'unprocessable', code: 'upstream-not-toggleable' });
    if (r.ok) return;
    expect(r.message).toBe("upstream 'c50-one' (service Search, environment c50) cannot be toggled: it has only one host; a toggle needs exactly two, one per slice (blue and green) (and 1 more upstream)");
    expect((r.details.problems as { upstream: string }[]).map((p) => p.upstream)).toEqual(['c50-one', 'c50-two']);
  });

  it('refuses while a deployment of the service to the environment is in progress (409)', () => {
    const r = plan([anUpstream([blue('up'), green('down')])], { deploymentInProgress: { id: 'd-7', slice: 'green' } });
    expect(r).toMatchObject({ ok: false, kind: 'conflict', code: 'deployment-in-progress', details: { environment: 'c50', service: 'Search', activeDeploymentId: 'd-7' } });
  });

  it('refuses to activate a slice with no passing instance in the registry (422), naming the registry name', () => {
    const r = plan([anUpstream([blue('up'), green('down')])], { passing: { 'c50-search-blue': 3 } });
    expect(r).toMatchObject({ ok: false, kind: 'unprocessable', code: 'slice-unhealthy', details: { slice: 'green', registryNames: ['c50-Search-green'] } });
    if (!r.ok) expect(r.message).toMatch(/^slice green of Search in c50 has no healthy instance: no instance of c50-Search-green passes all its health checks/);
  });

  it('does not ask the registry about an unchanged upstream or about DNS names', () => {
    expect(plan([anUpstream([blue('down'), green('up')])], { active: 'green', passing: {} }).ok).toBe(true);
    const dns = anUpstream([{ DnsName: 'a.c50.example.com', Port: 40100, State: 'up' }, { DnsName: 'b.c50.example.com', Port: 40101, State: 'down' }]);
    expect(plan([dns], { passing: {} }).ok).toBe(true);
  });

  it('reports the rules before a deployment in progress, and that before health', () => {
    const bad = anUpstream([blue('up')]);
    expect(plan([bad], { deploymentInProgress: { id: 'd', slice: 'blue' }, passing: {} })).toMatchObject({ code: 'upstream-not-toggleable' });
    const good = anUpstream([blue('up'), green('down')]);
    expect(plan([good], { deploymentInProgress: { id: 'd', slice: 'blue' }, passing: {} })).toMatchObject({ code: 'deployment-in-progress' });
  });
});

describe('upstreamNamed', () => {
  const a = anUpstream([blue('up'), green('down')], { env: 'c50', name: 'c50-search' });
  const b = anUpstream([blue('up'), green('down')], { env: 'c51', name: 'C50-SEARCH' });

  it('finds an upstream by name ignoring case, in the environment when one is given', () => {
    expect(upstreamNamed([a, b], 'C50-Search', 'c50')).toMatchObject({ ok: true, upstream: { key: '/c50_c50-search/config' } });
  });
  it('refuses several matches (422) naming their keys, and none (404)', () => {
    expect(upstreamNamed([a, b], 'c50-search')).toMatchObject({ ok: false, code: 'ambiguous-upstream', details: { keys: ['/c50_c50-search/config', '/c51_C50-SEARCH/config'] } });
    expect(upstreamNamed([a, b], 'nope')).toMatchObject({ ok: false, kind: 'not-found', code: 'not-found' });
  });
});
