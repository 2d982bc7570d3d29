import { describe, expect, it } from 'vitest';
import { cliHarness, problem } from './test-harness.js';

const inSync = {
  account: '111111111111', state: 'in-sync', pendingChanges: 0, lagMs: 0, lastAttemptAt: '2026-03-01T03:00:00.000Z', lastSuccessAt: '2026-03-01T03:00:00.000Z',
  replicatedSeq: 9, lastPass: { created: 3, updated: 1, deleted: 0, unchanged: 5, commits: 1 },
};
const failing = {
  account: '222222222222', state: 'failing', pendingChanges: 2, lagMs: 185_000, lastAttemptAt: '2026-03-01T03:00:00.000Z', lastSuccessAt: '2026-03-01T02:00:00.000Z',
  replicatedSeq: 7, error: { code: 'account-role-refused', message: 'account 222222222222: EM may not assume role x' },
};

describe('envmgr replication', () => {
  it('shows each account with its state and lag, and why one fails', async () => {
    const cli = cliHarness(() => ({ body: { accounts: [inSync, failing] } }));
    expect(await cli.run('replication', 'status')).toBe(0);
    expect(cli.requests[0]).toMatchObject({ method: 'GET', url: 'http://127.0.0.1:8080/api/v1/replication' });
    expect(cli.stdout).toMatch(/^ACCOUNT +STATE +PENDING +LAG +LAST SUCCESS +LAST PASS\n111111111111 +in-sync +0 +0s +2026-03-01 03:00:00Z +\+3 ~1 -0\n222222222222 +failing +2 +3m 5s +2026-03-01 02:00:00Z +-\n/);
    expect(cli.stdout).toContain('222222222222: account 222222222222: EM may not assume role x (account-role-refused)');
  });

  it('runs a pass, and says when another server runs it', async () => {
    const cli = cliHarness(() => ({ body: { ran: true, accounts: [inSync] } }));
    expect(await cli.run('replication', 'run')).toBe(0);
    expect(cli.requests[0]).toMatchObject({ method: 'POST', url: 'http://127.0.0.1:8080/api/v1/replication/run' });
    expect(cli.stdout).toContain('111111111111  in-sync');
    const busy = cliHarness(() => ({ body: { ran: false, accounts: [] } }));
    expect(await busy.run('replication', 'run')).toBe(0);
    expect(busy.stdout).toContain('another server is replicating');
    const refused = cliHarness(() => problem(403, 'permission-denied', 'only administrators may run replication'));
    expect(await refused.run('replication', 'run')).toBe(1);
    expect(refused.stderr).toContain('only administrators');
  });
});
