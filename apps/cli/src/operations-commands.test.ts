import { describe, expect, it } from 'vitest';
import { cliHarness, problem, type FakeAnswer, type SeenRequest } from './test-harness.js';

const ASG = {
  name: 'dev1-IN-Web',
  environment: 'dev1',
  role: 'Web',
  owningCluster: 'Infra',
  size: { min: 0, desired: 2, max: 4 },
  instanceCount: 2,
  instanceCounts: { Pending: 1, InService: 1, Standby: 0, Terminating: 0 },
  tags: { Environment: 'dev1', Role: 'Web' },
  suspendedProcesses: [],
  createdTime: '2024-05-01T11:00:00.000Z',
};
const member = (id: string, lifecycleState: string, state = 'running') => ({
  id,
  name: `dev1-IN-${id.slice(2)}`,
  state,
  lifecycleState,
  health: 'Healthy',
  privateAddress: '10.0.0.2',
  launchTime: '2024-05-01T11:00:00.000Z',
  maintenance: false,
});
const instance = (id: string, maintenance = false) => ({
  id,
  name: `dev1-IN-${id.slice(2)}`,
  state: 'running',
  privateAddress: '10.0.0.2',
  asg: 'dev1-IN-Web',
  lifecycleState: 'InService',
  launchTime: '2024-05-01T11:00:00.000Z',
  environment: 'dev1',
  owningCluster: 'Infra',
  maintenance,
  tags: { Environment: 'dev1', Maintenance: String(maintenance) },
});
const I1 = 'i-0e000000000000001';
const I2 = 'i-0e000000000000002';

/** A stand-in for the group and instance routes. */
function fakeEm(req: SeenRequest): FakeAnswer {
  const route = `${req.method} ${req.path}`;
  switch (route) {
    case 'GET asgs':
      return { body: req.query.get('environment') === 'nowhere' ? [] : [ASG] };
    case 'GET asgs/dev1-IN-Web':
      return { body: { ...ASG, instances: [member(I1, 'InService'), member(I2, 'Pending', 'pending')] } };
    case 'GET asgs/dev1-IN-Web/ready':
      return { body: { name: ASG.name, ready: false, desired: 2, counted: 2, inService: 1, reasons: [`instance ${I2} is pending and Pending`] } };
    case 'PUT asgs/dev1-IN-Web/size': {
      const size = { ...ASG.size, ...(req.body as object) };
      return size.desired > size.max
        ? problem(400, 'validation-failed', 'the request body is invalid: desired: desired 9 would be outside min 0 and max 4', { errors: [{ path: 'desired', message: 'desired 9 would be outside min 0 and max 4' }] })
        : { body: { ...ASG, size } };
    }
    case 'PUT asgs/dev2-IN-Web/size':
      return problem(423, 'deployments-locked', "deployments to environment 'dev2' are locked by bob: release freeze; unlock it first", { lockedBy: 'bob' });
    case 'GET instances':
      return req.query.get('cursor') === 'p2' ? { body: [instance(I2)] } : { body: [instance(I1)], headers: { 'x-next-cursor': 'p2' } };
    case `GET instances/${I1}`:
      return { body: instance(I1) };
    case `PUT instances/${I1}/maintenance`:
      return { body: instance(I1, (req.body as { enable: boolean }).enable) };
    default:
      return problem(404, 'not-found', `group '${req.path.split('/')[1] ?? ''}' does not exist`, { key: req.path.split('/')[1] });
  }
}

const signedIn = { env: { ENVMGR_TOKEN: 'emt_abc_secretsecretsecret' } };

describe('envmgr asgs / asg', () => {
  it('lists groups as a table or JSON, filtered by --env', async () => {
    const cli = cliHarness(fakeEm, signedIn);
    expect(await cli.run('asgs', '--env', 'dev1')).toBe(0);
    expect(cli.requests[0]?.url).toBe('http://127.0.0.1:8080/api/v1/asgs?environment=dev1');
    expect(cli.stdout.split('\n')).toEqual([
      'NAME         ENVIRONMENT  ROLE  MIN  DESIRED  MAX  IN SERVICE  PENDING  STANDBY  SUSPENDED',
      'dev1-IN-Web  dev1         Web   0    2        4    1           1        0',
      '',
    ]);
    expect(await cli.run('asgs', '--json')).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual([ASG]);
    expect(await cli.run('asgs', '--env', 'nowhere')).toBe(0);
    expect(cli.stdout).toContain('no groups in environment nowhere');
  });

  it('shows one group with its readiness and members', async () => {
    const cli = cliHarness(fakeEm, signedIn);
    expect(await cli.run('asg', 'dev1-IN-Web')).toBe(0);
    expect(cli.stdout).toContain('size: min 0, desired 2, max 4');
    expect(cli.stdout).toContain(`ready: no (instance ${I2} is pending and Pending)`);
    expect(cli.stdout).toMatch(new RegExp(`${I2}\\s+dev1-IN-0e000000000000002\\s+pending\\s+Pending`));
    expect(await cli.run('asg', 'dev1-IN-Web', '--json')).toBe(0);
    expect(JSON.parse(cli.stdout).instances).toHaveLength(2);
  });

  it('names the list to look in when a group does not exist (exit 1)', async () => {
    const cli = cliHarness(fakeEm, signedIn);
    expect(await cli.run('asg', 'nope')).toBe(1);
    expect(cli.stderr).toContain("error: group 'nope' does not exist; see the groups with `envmgr asgs`");
  });

  it('resizes a group', async () => {
    const cli = cliHarness(fakeEm, signedIn);
    expect(await cli.run('asg', 'size', 'dev1-IN-Web', '--desired', '3', '--max', '4')).toBe(0);
    expect(cli.requests[0]).toMatchObject({ method: 'PUT', path: 'asgs/dev1-IN-Web/size', body: { desired: 3, max: 4 } });
    expect(cli.stdout).toBe('dev1-IN-Web: min 0, desired 3, max 4\n');
    expect(await cli.run('asg', 'size', 'dev1-IN-Web', '--min', '1', '--json')).toBe(0);
    expect(JSON.parse(cli.stdout).size).toEqual({ min: 1, desired: 2, max: 4 });
  });

  it('reports refusals: invalid sizes (exit 2 before sending, 1 from the server) and a locked environment', async () => {
    const cli = cliHarness(fakeEm, signedIn);
    expect(await cli.run('asg', 'size', 'dev1-IN-Web')).toBe(2);
    expect(cli.stderr).toContain('error: give --desired, --min or --max');
    expect(await cli.run('asg', 'size', 'dev1-IN-Web', '--desired', '-1')).toBe(2);
    expect(await cli.run('asg', 'size', 'dev1-IN-Web', '--desired', 'two')).toBe(2);
    expect(cli.stderr).toContain('expected a whole number from 0 to 10000');
    expect(cli.requests).toHaveLength(0);
    expect(await cli.run('asg', 'size', 'dev1-IN-Web', '--desired', '9')).toBe(1);
    expect(cli.stderr).toContain('  desired: desired 9 would be outside min 0 and max 4');
    expect(await cli.run('asg', 'size', 'dev2-IN-Web', '--desired', '1')).toBe(1);
    expect(cli.stderr).toContain("error: deployments to environment 'dev2' are locked by bob");
  });
});

describe('envmgr instances / instance', () => {
  it('lists every page of instances, filtered', async () => {
    const cli = cliHarness(fakeEm, signedIn);
    expect(await cli.run('instances', '--env', 'dev1', '--cluster', 'Infra', '--maintenance')).toBe(0);
    expect(cli.requests.map((r) => r.url.replace('http://127.0.0.1:8080/api/v1/', ''))).toEqual([
      'instances?environment=dev1&cluster=Infra&maintenance=true',
      'instances?environment=dev1&cluster=Infra&maintenance=true&cursor=p2',
    ]);
    expect(cli.stdout.split('\n').slice(0, 3)).toEqual([
      'ID                   NAME                       ENVIRONMENT  ASG          STATE    LIFECYCLE  ADDRESS   MAINTENANCE',
      `${I1}  dev1-IN-0e000000000000001  dev1         dev1-IN-Web  running  InService  10.0.0.2`,
      `${I2}  dev1-IN-0e000000000000002  dev1         dev1-IN-Web  running  InService  10.0.0.2`,
    ]);
    expect(await cli.run('instances', '--json')).toBe(0);
    expect(JSON.parse(cli.stdout).map((i: { id: string }) => i.id)).toEqual([I1, I2]);
  });

  it('shows one instance', async () => {
    const cli = cliHarness(fakeEm, signedIn);
    expect(await cli.run('instance', I1)).toBe(0);
    expect(cli.stdout).toContain('lifecycle: InService');
    expect(cli.stdout).toContain('  Maintenance=false');
  });

  it('puts an instance in maintenance and takes it out', async () => {
    const cli = cliHarness(fakeEm, signedIn);
    expect(await cli.run('instance', 'maintenance', I1, 'on')).toBe(0);
    expect(cli.requests[0]).toMatchObject({ method: 'PUT', path: `instances/${I1}/maintenance`, body: { enable: true } });
    expect(cli.stdout).toBe(`${I1} (dev1-IN-0e000000000000001) is in maintenance: discovery leaves it out\n`);
    expect(await cli.run('instance', 'maintenance', I1, 'OFF', '--json')).toBe(0);
    expect(JSON.parse(cli.stdout).maintenance).toBe(false);
    expect(await cli.run('instance', 'maintenance', I1, 'maybe')).toBe(2);
    expect(cli.stderr).toContain("error: expected on or off, got 'maybe'");
  });
});
