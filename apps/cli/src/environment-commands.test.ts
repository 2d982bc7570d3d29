import { describe, expect, it } from 'vitest';
import { cliHarness, problem } from './test-harness.js';

const AT = '2024-05-01T12:00:00.000Z';
const locked = { environment: 'c50', locked: true, lockedBy: 'alice', lockedAt: AT, reason: 'release freeze' };

describe('envmgr lock / unlock', () => {
  it('locks with a reason and says who locked it', async () => {
    const cli = cliHarness(() => ({ body: locked }), { env: { ENVMGR_TOKEN: 'emt_test_token_1234' } });
    expect(await cli.run('lock', 'c50', '--reason', 'release freeze')).toBe(0);
    expect(cli.requests[0]).toMatchObject({
      method: 'PUT',
      url: 'http://127.0.0.1:8080/api/v1/environments/c50/deploy-lock',
      body: { reason: 'release freeze' },
      headers: { authorization: 'Bearer emt_test_token_1234' },
    });
    expect(cli.stdout).toBe('deployments to c50 are locked by alice since 2024-05-01 12:00:00Z: release freeze\n');
  });

  it('locks without a reason, and prints the answer with --json', async () => {
    const cli = cliHarness(() => ({ body: { environment: 'c50', locked: true, lockedBy: 'alice', lockedAt: AT } }));
    expect(await cli.run('lock', 'c50', '--json')).toBe(0);
    expect(cli.requests[0]?.body).toEqual({});
    expect(JSON.parse(cli.stdout)).toEqual({ environment: 'c50', locked: true, lockedBy: 'alice', lockedAt: AT });
  });

  it('unlocks', async () => {
    const cli = cliHarness(() => ({ body: { environment: 'c50', locked: false } }));
    expect(await cli.run('unlock', 'c50')).toBe(0);
    expect(cli.requests[0]).toMatchObject({ method: 'DELETE', path: 'environments/c50/deploy-lock' });
    expect(cli.stdout).toBe('deployments to c50 are unlocked\n');
  });

  it('refuses a reason over 500 characters before sending anything (exit 2)', async () => {
    const cli = cliHarness(() => ({ body: locked }));
    expect(await cli.run('lock', 'c50', '--reason', 'x'.repeat(501))).toBe(2);
    expect(cli.stderr).toContain('--reason is 501 characters long; keep it to 500');
    expect(cli.requests).toHaveLength(0);
  });

  it('reports an unknown environment with a hint (exit 1)', async () => {
    const cli = cliHarness(() => problem(404, 'not-found', "environment 'nope' does not exist", { key: 'nope' }));
    expect(await cli.run('lock', 'nope')).toBe(1);
    expect(cli.stderr).toContain("error: environment 'nope' does not exist");
    expect(cli.stderr).toContain('envmgr config list environments');
  });

  it('names the missing permission on a 403 (exit 1)', async () => {
    const cli = cliHarness(() =>
      problem(403, 'permission-denied', "needs PUT on /environments/w1/deploy-lock for cluster 'Web'", {
        missing: { resource: '/environments/w1/deploy-lock', access: 'PUT', clusters: ['Web'], environmentTypes: [] },
      }),
    );
    expect(await cli.run('unlock', 'w1')).toBe(1);
    expect(cli.stderr).toContain("needs PUT on /environments/w1/deploy-lock for cluster 'Web'");
    expect(cli.stderr).toContain('hint: ask an administrator to grant it');
  });
});

describe('envmgr maintenance', () => {
  it('puts an environment in maintenance with a reason', async () => {
    const cli = cliHarness(() => ({ body: { environment: 'c50', inMaintenance: true, setBy: 'bob', setAt: AT, reason: 'disk swap' } }));
    expect(await cli.run('maintenance', 'c50', 'on', '--reason', 'disk swap')).toBe(0);
    expect(cli.requests[0]).toMatchObject({ method: 'PUT', path: 'environments/c50/maintenance', body: { inMaintenance: true, reason: 'disk swap' } });
    expect(cli.stdout).toBe('c50 is in maintenance by bob since 2024-05-01 12:00:00Z: disk swap\n');
  });

  it('takes it out (any case of off), with --json', async () => {
    const cli = cliHarness(() => ({ body: { environment: 'c50', inMaintenance: false } }));
    expect(await cli.run('maintenance', 'c50', 'OFF', '--json')).toBe(0);
    expect(cli.requests[0]?.body).toEqual({ inMaintenance: false });
    expect(JSON.parse(cli.stdout)).toEqual({ environment: 'c50', inMaintenance: false });
  });

  it('needs on or off, and a reason only with on (exit 2)', async () => {
    const cli = cliHarness(() => ({ body: {} }));
    expect(await cli.run('maintenance', 'c50', 'maybe')).toBe(2);
    expect(cli.stderr).toContain("expected 'on' or 'off'");
    expect(await cli.run('maintenance', 'c50', 'off', '--reason', 'done')).toBe(2);
    expect(cli.stderr).toContain('--reason goes with `on` only');
    expect(await cli.run('maintenance', 'c50')).toBe(2);
    expect(cli.requests).toHaveLength(0);
  });
});

describe('envmgr env-status', () => {
  const status = {
    environment: 'c50',
    deployLock: { locked: true, lockedBy: 'alice', lockedAt: AT, reason: 'freeze' },
    maintenance: { inMaintenance: false },
    schedule: { manualScheduleUp: false, scheduleAutomatically: true, defaultSchedule: 'start: 0 8 * * 1-5; stop: 0 19 * * 1-5' },
    version: 3,
  };

  it('shows the lock, maintenance and schedule flags', async () => {
    const cli = cliHarness(() => ({ body: status }));
    expect(await cli.run('env-status', 'c50')).toBe(0);
    expect(cli.requests[0]).toMatchObject({ method: 'GET', path: 'environments/c50/ops' });
    expect(cli.stdout.split('\n')).toEqual([
      'ENVIRONMENT             c50',
      'deployments             locked by alice since 2024-05-01 12:00:00Z: freeze',
      'maintenance             off',
      'manual schedule up      no',
      'schedule automatically  yes',
      'default schedule        start: 0 8 * * 1-5; stop: 0 19 * * 1-5',
      '',
    ]);
  });

  it('prints the answer with --json', async () => {
    const cli = cliHarness(() => ({ body: status }));
    expect(await cli.run('env-status', 'c50', '--json')).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(status);
  });

  it('exits 4 when the answer breaks the contract', async () => {
    const cli = cliHarness(() => ({ body: { environment: 'c50' } }));
    expect(await cli.run('env-status', 'c50')).toBe(4);
    expect(cli.stderr).toContain('error:');
  });
});
