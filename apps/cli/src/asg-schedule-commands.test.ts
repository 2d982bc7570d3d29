import { describe, expect, it } from 'vitest';
import { cliHarness, type FakeAnswer, type SeenRequest } from './test-harness.js';

const signedIn = { env: { ENVMGR_TOKEN: 'emt_abc_secretsecretsecret' } };
const stored = { name: 'dev1-IN-Web', schedule: 'NOSCHEDULE', actions: [{ Recurrence: '0 8 * * 1-5', DesiredCapacity: 4, TimeZone: 'Europe/London' }], unreadable: [], appliedThrough: '2026-11-23T12:00:00.000Z' };

function fakeEm(req: SeenRequest): FakeAnswer {
  if (req.path !== 'asgs/dev1-IN-Web/scaling-schedule') return { status: 404 };
  if (req.method === 'GET') return { body: stored };
  const body = req.body as { schedule: unknown };
  return { body: typeof body.schedule === 'string' ? { name: stored.name, schedule: body.schedule, actions: [], unreadable: [] } : { ...stored, actions: body.schedule } };
}

describe('envmgr asg schedule', () => {
  it('shows the Schedule tag and the scaling actions', async () => {
    const cli = cliHarness(fakeEm, signedIn);
    expect(await cli.run('asg', 'schedule', 'dev1-IN-Web')).toBe(0);
    expect(cli.stdout.split('\n')).toEqual([
      "dev1-IN-Web: Schedule tag 'NOSCHEDULE'",
      '#  RECURRENCE   ZONE           DESIRED  MIN  MAX',
      '1  0 8 * * 1-5  Europe/London  4',
      'applied through 2026-11-23T12:00:00.000Z; the scheduler job applies later occurrences',
      '',
    ]);
  });

  it('sends repeated --action as the list of actions, with --tz on each', async () => {
    const cli = cliHarness(fakeEm, signedIn);
    expect(await cli.run('asg', 'schedule', 'dev1-IN-Web', '--action', '0 8 * * 1-5 desired=4 max=6', '--action', '0 19 * * 1-5 desired=1 min=0', '--tz', 'Europe/London', '--json')).toBe(0);
    expect(cli.requests[0]?.body).toEqual({
      schedule: [
        { Recurrence: '0 8 * * 1-5', DesiredCapacity: 4, MaxSize: 6, TimeZone: 'Europe/London' },
        { Recurrence: '0 19 * * 1-5', DesiredCapacity: 1, MinSize: 0, TimeZone: 'Europe/London' },
      ],
    });
    expect(JSON.parse(cli.stdout).actions).toHaveLength(2);
  });

  it('sends --set with --propagate, and refuses mixed or malformed options before calling EM', async () => {
    const cli = cliHarness(fakeEm, signedIn);
    expect(await cli.run('asg', 'schedule', 'dev1-IN-Web', '--set', 'OFF', '--propagate')).toBe(0);
    expect(cli.requests.at(-1)?.body).toEqual({ schedule: 'OFF', propagateToInstances: true });
    const before = cli.requests.length;
    expect(await cli.run('asg', 'schedule', 'dev1-IN-Web', '--set', 'OFF', '--action', '0 8 * * * desired=1')).not.toBe(0);
    expect(cli.stderr).toContain('give --set or --action, not both');
    expect(await cli.run('asg', 'schedule', 'dev1-IN-Web', '--action', '0 8 * * * four')).not.toBe(0);
    expect(cli.stderr).toContain("'four' is not desired=N");
    expect(cli.requests.length).toBe(before);
  });
});
