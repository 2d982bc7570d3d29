import { describe, expect, it } from 'vitest';
import { cliHarness, problem, type FakeAnswer, type SeenRequest } from './test-harness.js';

const health = (passing: number, critical = 0) => ({ status: critical > 0 ? 'critical' : 'passing', instances: passing + critical, passing, warning: 0, critical });
const SERVICES = {
  environment: 'c50',
  services: [
    {
      service: 'Hello',
      target: [{ role: 'Web', slice: 'none', version: '1.1.0', deploymentId: 'd2', action: 'Install' }],
      versions: ['1.0.0', '1.1.0'],
      slices: [{ slice: 'none', versions: ['1.0.0', '1.1.0'], health: health(1, 1) }],
      health: health(1, 1),
    },
    { service: 'Api', target: [{ role: 'Api', slice: 'blue', version: '2.0.0', deploymentId: 'd5', action: 'Ignore' }], versions: [], slices: [], health: { status: 'none', instances: 0, passing: 0, warning: 0, critical: 0 } },
  ],
};
const TARGET = {
  environment: 'c50',
  roles: [
    {
      role: 'Web',
      services: [{ service: 'Hello', slice: 'none', version: '1.1.0', deploymentId: 'd2', instanceIds: [], action: 'Install', key: 'environments/c50/roles/Web/services/Hello/none' }],
    },
  ],
  services: [{ service: 'Hello', version: '1.1.0', definition: null, installation: { packageKey: 'PACKAGES/Hello/1.1.0/Hello-1.1.0.zip', installationTimeoutMin: 5 } }],
  problems: [{ key: 'environments/c50/roles/Web/services/Bad/none', message: 'the value is not a JSON object; the agents skip it' }],
};
const service = (version: string, matchesTarget: boolean, status = 'passing') => ({ service: 'Hello', slice: 'none', serviceId: 'c50-Hello', version, deploymentId: 'd', port: 41000, status, matchesTarget });
const instance = (id: string, services: unknown[], differences: { kind: string; message: string }[] = []) => ({
  id,
  name: `c50-in-${id.slice(2)}`,
  state: 'running',
  lifecycle: 'InService',
  health: 'Healthy',
  address: '10.0.0.1',
  launchTime: '2024-05-01T11:00:00.000Z',
  role: 'Web',
  services,
  converged: differences.length === 0,
  differences,
});
const GROUP = {
  environment: 'c50',
  name: 'c50-in-Web',
  role: 'Web',
  cluster: 'Infra',
  size: { min: 0, desired: 2, max: 4 },
  converged: false,
  instances: [
    instance('i-01', [service('1.1.0', true)]),
    instance('i-02', [service('1.0.0', false, 'critical')], [{ kind: 'version-differs', message: 'Hello runs 1.0.0; the target state asks for 1.1.0' }]),
  ],
};
const COMPARISON = {
  environments: ['c50', 'c51'],
  services: [
    { service: 'Api', differs: true, environments: [{ environment: 'c50', target: ['2.0.0'], running: [] }, { environment: 'c51', target: [], running: [] }] },
    { service: 'Hello', differs: false, environments: [{ environment: 'c50', target: ['1.1.0'], running: ['1.1.0'] }, { environment: 'c51', target: ['1.1.0'], running: ['1.1.0'] }] },
  ],
};

function fakeEm(req: SeenRequest): FakeAnswer {
  switch (`${req.method} ${req.path}`) {
    case 'GET services':
      return req.query.get('environment') === 'c50' ? { body: SERVICES } : problem(404, 'not-found', "environment 'nope' does not exist");
    case 'GET target-state/c50':
      return { body: req.query.get('serverRole') ? { ...TARGET, serverRole: req.query.get('serverRole') } : TARGET };
    case 'GET environments/c50/servers':
      return { body: { environment: 'c50', converged: false, groups: [GROUP] } };
    case 'GET environments/c50/servers/c50-in-Web':
      return { body: GROUP };
    case 'GET compare':
      return { body: COMPARISON };
    default:
      return problem(404, 'route-not-found', `no route ${req.method} ${req.path}`);
  }
}

describe('envmgr services', () => {
  it('prints the services of an environment as a table', async () => {
    const cli = cliHarness(fakeEm, { env: { ENVMGR_TOKEN: 'emt_test_token_1234' } });
    expect(await cli.run('services', '--env', 'c50')).toBe(0);
    expect(cli.requests.map((r) => `${r.method} ${r.path}?${r.query.toString()}`)).toEqual(['GET services?environment=c50']);
    expect(cli.stdout).toBe(
      [
        'SERVICE  TARGET               RUNNING       INSTANCES  HEALTH',
        'Hello    1.1.0                1.0.0, 1.1.0  2          1/2 passing, 1 critical',
        'Api      2.0.0 (blue) Ignore  -             0          -',
        '',
      ].join('\n'),
    );
  });

  it('prints JSON with --json, needs --env, and exits 1 on a 404', async () => {
    const cli = cliHarness(fakeEm);
    expect(await cli.run('services', '--env', 'c50', '--json')).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(SERVICES);
    expect(await cli.run('services')).toBe(2);
    expect(cli.stderr).toContain("required option '--env <environment>' not specified");
    expect(await cli.run('services', '--env', 'nope')).toBe(1);
    expect(cli.stderr).toContain("environment 'nope' does not exist");
  });
});

describe('envmgr target-state', () => {
  it('prints the role entries, warns about values the agents skip, and passes --server-role', async () => {
    const cli = cliHarness(fakeEm);
    expect(await cli.run('target-state', 'c50', '--server-role', 'Web')).toBe(0);
    expect(cli.requests[0]?.query.get('serverRole')).toBe('Web');
    expect(cli.stdout).toBe(['ROLE  SERVICE  SLICE  VERSION  DEPLOYMENT  ACTION   INSTANCES', 'Web   Hello    none   1.1.0    d2          Install  all', ''].join('\n'));
    expect(cli.stderr).toBe('warning: environments/c50/roles/Web/services/Bad/none: the value is not a JSON object; the agents skip it\n');
    expect(await cli.run('target-state', 'c50', '--json')).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(TARGET);
  });
});

describe('envmgr servers', () => {
  it('prints one row per instance and service, then what is not converged', async () => {
    const cli = cliHarness(fakeEm);
    expect(await cli.run('servers', 'c50')).toBe(0);
    expect(cli.stdout).toBe(
      [
        'GROUP       INSTANCE  STATE    SERVICE@VERSION  HEALTH    CONVERGED',
        'c50-in-Web  i-01      running  Hello@1.1.0      passing   yes',
        'c50-in-Web  i-02      running  Hello@1.0.0      critical  no',
        '',
        'not converged:',
        '  i-02: Hello runs 1.0.0; the target state asks for 1.1.0',
        '',
      ].join('\n'),
    );
  });

  it('asks for one group with --group, and prints JSON with --json', async () => {
    const cli = cliHarness(fakeEm);
    expect(await cli.run('servers', 'c50', '--group', 'c50-in-Web', '--json')).toBe(0);
    expect(cli.requests.map((r) => r.path)).toEqual(['environments/c50/servers/c50-in-Web']);
    expect(JSON.parse(cli.stdout)).toEqual(GROUP);
  });
});

describe('envmgr compare', () => {
  it('prints each service’s versions per environment', async () => {
    const cli = cliHarness(fakeEm);
    expect(await cli.run('compare', 'c50', 'c51')).toBe(0);
    expect(cli.requests[0]?.query.get('environments')).toBe('c50,c51');
    expect(cli.stdout).toBe(
      [
        'SERVICE  C50                C51    DIFFERS',
        'Api      2.0.0 (running -)  -      yes',
        'Hello    1.1.0              1.1.0  no',
        '',
      ].join('\n'),
    );
  });

  it('passes more environments, and needs two', async () => {
    const cli = cliHarness(fakeEm);
    expect(await cli.run('compare', 'c50', 'c51', 'c52', '--json')).toBe(0);
    expect(cli.requests[0]?.query.get('environments')).toBe('c50,c51,c52');
    expect(JSON.parse(cli.stdout)).toEqual(COMPARISON);
    expect(await cli.run('compare', 'c50')).toBe(2);
  });
});
