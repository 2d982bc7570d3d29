import { describe, expect, it } from 'vitest';
import { cliHarness, problem, type FakeAnswer, type SeenRequest } from './test-harness.js';

const health = (passing: number) => ({ status: passing ? 'passing' : 'none', instances: passing, passing, warning: 0, critical: 0 });
const record = (slice: 'Blue' | 'Green', State: 'Active' | 'Inactive') => ({
  Key: '/c50_c50-hello/config',
  EnvironmentName: 'c50',
  ServiceName: 'Hello',
  UpstreamName: 'c50-hello',
  DnsName: `c50-Hello-${slice.toLowerCase()}`,
  Port: slice === 'Blue' ? 40100 : 40101,
  OwningCluster: 'Infra',
  Name: slice,
  State,
});
const SLICES = {
  environment: 'c50',
  service: 'Hello',
  slices: [
    { slice: 'blue', registryName: 'c50-Hello-blue', port: 40100, active: true, target: [], versions: ['1.0.0'], instances: [], health: health(2) },
    { slice: 'green', registryName: 'c50-Hello-green', port: 40101, active: false, target: [], versions: ['1.1.0'], instances: [], health: health(2) },
  ],
  upstreams: [record('Blue', 'Active'), record('Green', 'Inactive')],
};
const TOGGLED = {
  ToggledUpstreams: ['c50-hello'],
  UnchangedUpstreams: ['c50-hello-admin'],
  EnvironmentName: 'c50',
  ServiceName: 'Hello',
  Upstreams: [
    { UpstreamName: 'c50-hello', Key: '/c50_c50-hello/config', ActiveSlice: 'green', Version: 6 },
    { UpstreamName: 'c50-hello-admin', Key: '/c50_c50-hello-admin/config', ActiveSlice: 'green', Version: 2 },
  ],
};
const UPSTREAM = {
  key: '/c50_c50-hello/config',
  Value: { EnvironmentName: 'c50', UpstreamName: 'c50-hello', ServiceName: 'Hello', Hosts: [{ DnsName: 'c50-Hello-blue', Port: 40100, State: 'up' }, { DnsName: 'c50-Hello-green', Port: 40101, State: 'down' }] },
  Version: 5,
};

function fakeEm(req: SeenRequest): FakeAnswer {
  switch (`${req.method} ${req.path}`) {
    case 'PUT services/Hello/slices/toggle':
      return { body: TOGGLED };
    case 'PUT services/Busy/slices/toggle':
      return problem(409, 'deployment-in-progress', "deployment 'd-9' of 'Busy' to 'c50' (slice green) is still in progress; toggle when it has ended, or cancel it", { activeDeploymentId: 'd-9' });
    case 'PUT services/Bad/slices/toggle':
      return problem(422, 'upstream-not-toggleable', "upstream 'c50-bad' (service Bad, environment c50) cannot be toggled: it has only one host", {
        problems: [{ upstream: 'c50-bad', key: '/c50_c50-bad/config', reason: 'it has only one host; a toggle needs exactly two, one per slice (blue and green)' }],
      });
    case 'PUT services/Sick/slices/toggle':
      return problem(422, 'slice-unhealthy', 'slice green of Sick in c50 has no healthy instance', { slice: 'green' });
    case 'PUT services/Locked/slices/toggle':
      return problem(403, 'permission-denied', 'needs PUT on /services/Locked/slices/toggle', { missing: { resource: '/services/Locked/slices/toggle', access: 'PUT', clusters: ['Web'], environmentTypes: [] } });
    case 'GET services/Hello/slices':
      return { body: SLICES };
    case 'GET config/upstreams':
      return { body: [UPSTREAM] };
    default:
      return problem(404, 'route-not-found', `no route ${req.method} ${req.path}`);
  }
}

describe('envmgr toggle', () => {
  it('toggles the service in the environment and says where traffic goes now', async () => {
    const cli = cliHarness(fakeEm);
    expect(await cli.run('toggle', 'Hello', '--env', 'c50', '--active', 'Green')).toBe(0);
    expect(cli.requests.map((r) => `${r.method} ${r.path}?${r.query.toString()}`)).toEqual(['PUT services/Hello/slices/toggle?environment=c50&active=green']);
    expect(cli.stdout).toBe(['c50-hello: traffic now goes to green (version 6)', 'c50-hello-admin: already sends its traffic to green; nothing changed', ''].join('\n'));
  });

  it('flips without --active, prints JSON with --json, and refuses a bad --active before sending anything', async () => {
    const cli = cliHarness(fakeEm);
    expect(await cli.run('toggle', 'Hello', '--env', 'c50', '--json')).toBe(0);
    expect(cli.requests[0]?.query.has('active')).toBe(false);
    expect(JSON.parse(cli.stdout)).toEqual(TOGGLED);
    expect(await cli.run('toggle', 'Hello', '--env', 'c50', '--active', 'purple')).toBe(2);
    expect(cli.stderr).toContain("--active must be blue or green, not 'purple'");
    expect(cli.requests).toHaveLength(1);
  });

  it.each([
    ['Busy', 'deployment-in-progress', 'hint: follow it with `envmgr deployment d-9` and toggle when it has ended'],
    ['Bad', 'upstream-not-toggleable', '  c50-bad: it has only one host; a toggle needs exactly two, one per slice (blue and green)'],
    ['Sick', 'slice-unhealthy', 'hint: see its instances with `envmgr slices Sick --env c50`'],
  ])('exits 1 on a refusal (%s: %s) with what to do', async (service, _code, hint) => {
    const cli = cliHarness(fakeEm);
    expect(await cli.run('toggle', service, '--env', 'c50')).toBe(1);
    expect(cli.stderr).toMatch(/^error: /);
    expect(cli.stderr).toContain(hint);
  });

  it('reports a missing permission as other commands do', async () => {
    const cli = cliHarness(fakeEm);
    expect(await cli.run('toggle', 'Locked', '--env', 'c50')).toBe(1);
    expect(cli.stderr).toContain("needs PUT on /services/Locked/slices/toggle for cluster 'Web'");
  });
});

describe('envmgr slices', () => {
  it('prints each slice with whether it is active, then the upstream hosts', async () => {
    const cli = cliHarness(fakeEm);
    expect(await cli.run('slices', 'Hello', '--env', 'c50')).toBe(0);
    expect(cli.stdout).toBe(
      [
        'SLICE  REGISTRY NAME    ACTIVE  VERSIONS  HEALTH',
        'blue   c50-Hello-blue   yes     1.0.0     2/2 passing',
        'green  c50-Hello-green  no      1.1.0     2/2 passing',
        '',
        'UPSTREAM   HOST                   SLICE  STATE',
        'c50-hello  c50-Hello-blue:40100   Blue   Active',
        'c50-hello  c50-Hello-green:40101  Green  Inactive',
        '',
      ].join('\n'),
    );
    expect(await cli.run('slices', 'Hello', '--env', 'c50', '--json')).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(SLICES);
  });
});

describe('envmgr upstreams', () => {
  it('lists upstreams with their up and down hosts, filtered by environment', async () => {
    const cli = cliHarness(fakeEm);
    expect(await cli.run('upstreams', '--env', 'c50')).toBe(0);
    expect(cli.requests[0]?.query.get('environment')).toBe('c50');
    expect(cli.stdout).toBe(
      [
        'UPSTREAM   ENVIRONMENT  SERVICE  ACTIVE (UP)           INACTIVE (DOWN)',
        'c50-hello  c50          Hello    c50-Hello-blue:40100  c50-Hello-green:40101',
        '',
      ].join('\n'),
    );
    expect(await cli.run('upstreams', '--json')).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual([UPSTREAM]);
  });
});
