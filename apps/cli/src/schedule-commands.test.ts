import { describe, expect, it } from 'vitest';
import { parseUntil } from './schedule-commands.js';
import { cliHarness, NOW, problem } from './test-harness.js';

const NINE_TO_FIVE = 'start: 0 9 * * 1-5; stop: 0 17 * * 1-5';
const settings = { environment: 'c50', manualScheduleUp: false, scheduleAutomatically: true, defaultSchedule: NINE_TO_FIVE, version: 3 };
const override = { state: 'on', until: '2024-05-01T22:00:00.000Z', setBy: 'alice', setAt: '2024-05-01T12:00:00.000Z', reason: 'late release', active: true };

describe('envmgr schedule get / set', () => {
  it('shows the settings and the override', async () => {
    const cli = cliHarness(() => ({ body: { ...settings, override } }));
    expect(await cli.run('schedule', 'get', 'c50')).toBe(0);
    expect(cli.requests[0]).toMatchObject({ method: 'GET', path: 'environments/c50/schedule' });
    expect(cli.stdout).toBe(
      [
        'ENVIRONMENT             c50',
        'manual schedule up      no',
        'schedule automatically  yes',
        `default schedule        ${NINE_TO_FIVE}`,
        'override                on until 2024-05-01 22:00:00Z by alice: late release',
        '',
      ].join('\n'),
    );
  });

  it('sends only what is given, null to remove the default schedule, and prints JSON with --json', async () => {
    const cli = cliHarness(() => ({ body: settings }));
    expect(await cli.run('schedule', 'set', 'c50', '--automatically', 'on', '--default-schedule', NINE_TO_FIVE, '--json')).toBe(0);
    expect(cli.requests[0]).toMatchObject({ method: 'PUT', path: 'environments/c50/schedule', body: { scheduleAutomatically: true, defaultSchedule: NINE_TO_FIVE } });
    expect(JSON.parse(cli.stdout)).toEqual(settings);
    expect(await cli.run('schedule', 'set', 'c50', '--manual-up', 'OFF', '--no-default-schedule')).toBe(0);
    expect(cli.requests[1]?.body).toEqual({ manualScheduleUp: false, defaultSchedule: null });
  });

  it('refuses an empty change before sending anything (exit 2)', async () => {
    const cli = cliHarness(() => ({ body: settings }));
    expect(await cli.run('schedule', 'set', 'c50')).toBe(2);
    expect(cli.stderr).toContain('give at least one of');
    expect(await cli.run('schedule', 'set', 'c50', '--manual-up', 'maybe')).toBe(2);
    expect(cli.requests).toHaveLength(0);
  });

  it('shows a 400 with the field and the fix, and a protected type (exit 1)', async () => {
    const bad = cliHarness(() =>
      problem(400, 'validation-failed', 'defaultSchedule: unknown time zone', { errors: [{ path: 'defaultSchedule', message: "unknown time zone 'Mars/Olympus'; name an IANA zone" }] }),
    );
    expect(await bad.run('schedule', 'set', 'c50', '--default-schedule', 'start: 0 8 * * * | Mars/Olympus')).toBe(1);
    expect(bad.stderr).toContain("  defaultSchedule: unknown time zone 'Mars/Olympus'; name an IANA zone");
    const prot = cliHarness(() => problem(403, 'protected-action', "environment type 'Prod' is protected against SCHEDULE_ENVIRONMENT operations"));
    expect(await prot.run('schedule', 'set', 'p1', '--manual-up', 'on')).toBe(1);
    expect(prot.stderr).toContain('protected against SCHEDULE_ENVIRONMENT');
  });
});

describe('envmgr schedule status', () => {
  it('says what the schedule says and why, at a time', async () => {
    const status = { Status: 'OFF', environment: 'c50', at: '2024-05-01T18:00:00.000Z', source: 'environment', schedule: NINE_TO_FIVE, reason: 'item 2 (stop) occurred at 2024-05-01T17:00' };
    const cli = cliHarness(() => ({ body: status }));
    expect(await cli.run('schedule', 'status', 'c50', '--at', '2024-05-01T18:00:00Z')).toBe(0);
    expect(cli.requests[0]?.query.get('at')).toBe('2024-05-01T18:00:00.000Z');
    expect(cli.stdout).toBe(`c50 is OFF at 2024-05-01 18:00:00Z (environment: ${NINE_TO_FIVE})\n  item 2 (stop) occurred at 2024-05-01T17:00\n`);
    expect(await cli.run('schedule', 'status', 'c50', '--json')).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(status);
  });

  it('hints at the environments on a 404', async () => {
    const cli = cliHarness(() => problem(404, 'not-found', "environment 'nope' does not exist"));
    expect(await cli.run('schedule', 'status', 'nope')).toBe(1);
    expect(cli.stderr).toContain('envmgr config list environments');
  });
});

describe('envmgr schedule explain', () => {
  it('sends the hypothetical instance and prints the decision', async () => {
    const cli = cliHarness(() => ({
      body: { at: '2024-05-01T12:00:00.000Z', status: 'ON', decision: { action: 'switchOn', source: 'instance', schedule: NINE_TO_FIVE, reason: 'item 1 (start) occurred' }, problems: [], emDifferences: [] },
    }));
    expect(await cli.run('schedule', 'explain', '--tag', NINE_TO_FIVE, '--state', 'stopped', '--env', 'c50')).toBe(0);
    expect(cli.requests[0]).toMatchObject({ method: 'POST', path: 'schedule/evaluate', body: { instance: { schedule: NINE_TO_FIVE, state: 'stopped' }, environment: { name: 'c50' } } });
    expect(cli.stdout).toBe('switchOn (instance): item 1 (start) occurred\nstatus at 2024-05-01 12:00:00Z: ON\n');
  });

  it('points at what cannot be read, gives the fix and exits 1; lists EM differences', async () => {
    const tag = 'start: 0 25 * * 7';
    const cli = cliHarness(() => ({
      body: {
        at: '2024-05-01T12:00:00.000Z', status: 'INVALID SCHEDULE', decision: { action: 'skip', skipCode: 'invalid-schedule', source: 'instance', reason: 'invalid schedule' },
        problems: [{ path: 'instance.schedule', code: 'out-of-range', message: 'item 1: hour 25 is out of range 0–23', fix: 'use an hour from 0 to 23', offset: 9, length: 2, item: 1, field: 'hour' }],
        emDifferences: [{ path: 'instance.schedule', code: 'weekday-7', message: 'EM reads 7 as Saturday; write 0 or 6', offset: 16, length: 1, item: 1 }],
      },
    }));
    expect(await cli.run('schedule', 'explain', '--tag', tag)).toBe(1);
    expect(cli.stdout).toContain(`invalid instance.schedule: item 1: hour 25 is out of range 0–23 (out-of-range)\n  ${tag}\n           ^^\n  fix: use an hour from 0 to 23\n`);
    expect(cli.stdout).toContain(`EM reads instance.schedule differently (weekday-7): EM reads 7 as Saturday; write 0 or 6\n  ${tag}\n                  ^\n`);
    expect(cli.stderr).toContain('error: a schedule given cannot be read');
  });

  it('needs something to explain (exit 2)', async () => {
    const cli = cliHarness();
    expect(await cli.run('schedule', 'explain')).toBe(2);
    expect(cli.requests).toHaveLength(0);
  });
});

describe('envmgr schedule lint', () => {
  it('lists what EM reads differently and exits 1; exits 0 when nothing differs', async () => {
    const finding = { kind: 'asg', name: 'c50-in-Web', account: 'local', environment: 'c50', schedule: 'start: 0 8 * * 7', differences: [{ code: 'weekday-7', message: 'EM reads 7 as Saturday, ours Sunday; write 0 or 6', offset: 15, length: 1, item: 1 }] };
    const cli = cliHarness(() => ({ body: [finding] }));
    expect(await cli.run('schedule', 'lint', '--env', 'c50')).toBe(1);
    expect(cli.requests[0]?.url).toBe('http://127.0.0.1:8080/api/v1/schedule/lint?environment=c50');
    expect(cli.stdout).toBe('asg c50-in-Web (c50): start: 0 8 * * 7\n  weekday-7: EM reads 7 as Saturday, ours Sunday; write 0 or 6\n');
    expect(cli.stderr).toContain("1 schedule in use is read differently by trainline's EM");
    const clean = cliHarness(() => ({ body: [] }));
    expect(await clean.run('schedule', 'lint', '--json')).toBe(0);
    expect(JSON.parse(clean.stdout)).toEqual([]);
  });
});

describe('envmgr schedule override', () => {
  it('keeps an environment on until a time, with a reason', async () => {
    const cli = cliHarness(() => ({ body: { environment: 'c50', override } }));
    expect(await cli.run('schedule', 'override', 'c50', '--on', '--until', '2024-05-01T22:00:00Z', '--reason', 'late release')).toBe(0);
    expect(cli.requests[0]).toMatchObject({ method: 'POST', path: 'environments/c50/schedule-override', body: { state: 'on', until: '2024-05-01T22:00:00.000Z', reason: 'late release' } });
    expect(cli.stdout).toBe('c50 is kept on until 2024-05-01 22:00:00Z by alice: late release\n');
    expect(await cli.run('schedule', 'override', 'c50', '--off', '--until', '+2h', '--json')).toBe(0);
    expect(cli.requests[1]?.body).toEqual({ state: 'off', until: '2024-05-01T14:00:00.000Z' });
  });

  it('cancels an override', async () => {
    const cli = cliHarness(() => ({ body: { environment: 'c50' } }));
    expect(await cli.run('schedule', 'override', 'c50', '--cancel')).toBe(0);
    expect(cli.requests[0]).toMatchObject({ method: 'DELETE', path: 'environments/c50/schedule-override' });
    expect(cli.stdout).toBe('c50 follows its schedule (no override)\n');
  });

  it.each([
    [['c50', '--on']],
    [['c50', '--until', '22:00']],
    [['c50', '--on', '--off', '--until', '22:00']],
    [['c50', '--cancel', '--on']],
    [['c50', '--on', '--until', 'tonight']],
  ])('refuses %j before sending anything (exit 2)', async (args) => {
    const cli = cliHarness();
    expect(await cli.run('schedule', 'override', ...args)).toBe(2);
    expect(cli.requests).toHaveLength(0);
  });

  it('shows the server refusing a time in the past (exit 1)', async () => {
    const cli = cliHarness(() => problem(400, 'validation-failed', 'until: is in the past', { errors: [{ path: 'until', message: 'is 2024-05-01T10:00:00.000Z, not after now; give a time in the future' }] }));
    expect(await cli.run('schedule', 'override', 'c50', '--on', '--until', '2024-05-01T10:00:00Z')).toBe(1);
    expect(cli.stderr).toContain('  until: is 2024-05-01T10:00:00.000Z, not after now; give a time in the future');
  });

  it('reads HH:MM as today in local time, and +duration ahead of now', () => {
    const local = new Date(NOW.getTime());
    local.setHours(22, 0, 0, 0);
    expect(parseUntil('22:00', NOW)).toBe(local.toISOString());
    expect(parseUntil('+30m', NOW)).toBe('2024-05-01T12:30:00.000Z');
    expect(parseUntil('2024-05-02T08:00:00+01:00', NOW)).toBe('2024-05-02T07:00:00.000Z');
  });
});

describe('envmgr schedule actions', () => {
  it('lists what the scheduler would do, leaving out skips unless --all', async () => {
    const cli = cliHarness(() => ({
      body: [
        { action: { action: 'switchOff', source: 'environment', reason: 'stop occurred' }, instance: { id: 'i-1', name: 'n1', environment: 'c50', account: 'local' } },
        { action: { action: 'skip', reason: 'already off', skipCode: 'state-is-correct' }, instance: { id: 'i-2', name: 'n2', environment: 'c50', account: 'local', asg: 'c50-in-Web' } },
      ],
    }));
    expect(await cli.run('schedule', 'actions', '--env', 'c50')).toBe(0);
    expect(cli.stdout).toBe('INSTANCE  ENVIRONMENT  GROUP  ACTION     SOURCE       REASON\ni-1       c50                 switchOff  environment  stop occurred\n');
    expect(await cli.run('schedule', 'actions', '--all')).toBe(0);
    expect(cli.stdout.split('\n')).toHaveLength(4);
  });
});

describe('envmgr savings', () => {
  it('shows the instance-hours saved by environment, since a time', async () => {
    const body = {
      since: '2024-04-24T12:00:00.000Z', until: '2024-05-01T12:00:00.000Z', instanceHoursSaved: 639.17, actions: 42,
      environments: [{ environment: 'c50', cluster: 'Infra', instanceHoursSaved: 639.17, subjects: 3 }],
    };
    const cli = cliHarness(() => ({ body }));
    expect(await cli.run('savings', '--env', 'c50', '--since', '7d')).toBe(0);
    expect(cli.requests[0]?.url).toBe('http://127.0.0.1:8080/api/v1/schedule/savings?environment=c50&since=2024-04-24T12%3A00%3A00.000Z');
    expect(cli.stdout).toBe(
      [
        '639.17 instance-hours saved from 2024-04-24 12:00:00Z to 2024-05-01 12:00:00Z (42 scheduler actions)',
        '',
        'ENVIRONMENT  CLUSTER  INSTANCE-HOURS  SWITCHED OFF',
        'c50          Infra    639.17          3',
        '',
      ].join('\n'),
    );
    expect(await cli.run('savings', '--json')).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(body);
    expect(await cli.run('savings', '--since', 'last week')).toBe(2);
  });
});
