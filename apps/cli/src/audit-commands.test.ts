import { describe, expect, it } from 'vitest';
import { cliHarness } from './test-harness.js';

const record = (seq: number, actor: string, changeType: string, entityType: string, key: string, version: number) => ({
  seq, at: '2024-05-01T11:30:00Z', actor, requestId: `r${seq}`, entityType, key, changeType, before: null, after: {}, version, prevHash: 'p', hash: 'h',
});

describe('envmgr audit', () => {
  it('prints a table of time, actor, change, type, key and version', async () => {
    const cli = cliHarness(() => ({ body: [record(2, 'bob', 'Updated', 'services', 'Search', 8), record(1, 'alice', 'Created', 'environments', 'c50', 1)] }));
    expect(await cli.run('audit')).toBe(0);
    expect(cli.stdout).toBe(
      [
        'TIME                  ACTOR  CHANGE   TYPE          KEY     VERSION',
        '2024-05-01 11:30:00Z  bob    Updated  services      Search  8',
        '2024-05-01 11:30:00Z  alice  Created  environments  c50     1',
        '',
      ].join('\n'),
    );
    expect(cli.requests[0]?.url).toBe('http://127.0.0.1:8080/api/v1/audit');
  });

  it('turns relative --since into an ISO time and passes the filters', async () => {
    const cli = cliHarness(() => ({ body: [] }));
    expect(await cli.run('audit', '--type', 'environments', '--key', 'c50', '--actor', 'alice', '--since', '7d', '--until', '2024-05-01T11:00:00+01:00', '--limit', '50')).toBe(0);
    expect(Object.fromEntries(cli.requests[0]?.query ?? [])).toEqual({
      entityType: 'environments',
      key: 'c50',
      actor: 'alice',
      since: '2024-04-24T12:00:00.000Z',
      until: '2024-05-01T10:00:00.000Z',
      limit: '50',
    });
    expect(cli.stdout).toBe('no changes found\n');
  });

  it('prints JSON with --json', async () => {
    const records = [record(1, 'alice', 'Deleted', 'clusters', 'Old', 3)];
    const cli = cliHarness(() => ({ body: records }));
    expect(await cli.run('audit', '--json')).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(records);
  });

  it('exits 2 on a time it cannot read', async () => {
    const cli = cliHarness();
    expect(await cli.run('audit', '--since', 'last tuesday')).toBe(2);
    expect(cli.stderr).toContain("--since 'last tuesday' is neither an ISO date-time");
    expect(cli.requests).toEqual([]);
  });
});

describe('envmgr audit verify', () => {
  it('exits 0 when the chain is intact', async () => {
    const cli = cliHarness(() => ({ body: { ok: true, checked: 42 } }));
    expect(await cli.run('audit', 'verify')).toBe(0);
    expect(cli.requests[0]?.path).toBe('audit/verify');
    expect(cli.stdout).toBe('audit chain ok: 42 records checked\n');
  });

  it('exits 1 and names the first broken seq and the reason', async () => {
    const cli = cliHarness(() => ({ body: { ok: false, checked: 9, brokenAt: { seq: 4, reason: 'hash does not match the record' } } }));
    expect(await cli.run('audit', 'verify')).toBe(1);
    expect(cli.stderr).toBe('error: the audit chain is broken at seq 4: hash does not match the record (9 records checked)\n');
  });

  it('prints the result as JSON with --json, keeping the exit code', async () => {
    const verification = { ok: false, checked: 9, brokenAt: { seq: 4, reason: 'bad hash' } };
    const cli = cliHarness(() => ({ body: verification }));
    expect(await cli.run('audit', 'verify', '--json')).toBe(1);
    expect(JSON.parse(cli.stdout)).toEqual(verification);
  });
});
