import { describe, expect, it } from 'vitest';
import { cliHarness, problem } from './test-harness.js';

const backup = {
  id: '20260301T030000Z', format: 'envmgr-backup', formatVersion: 1, createdAt: '2026-03-01T03:00:00.000Z', createdBy: 'system:backup', configFormatVersion: 1,
  items: { clusters: 2, services: 3 }, auditRecords: 9, auditHeadSeq: 9,
  files: { config: { key: 'backups/20260301T030000Z/config.json', sha256: 'a', sizeBytes: 10 }, audit: { key: 'backups/20260301T030000Z/audit.jsonl', sha256: 'b', sizeBytes: 20 } },
};

describe('envmgr backup, backups, restore', () => {
  it('backs up now and says what the retention deleted', async () => {
    const cli = cliHarness(() => ({ status: 201, body: { backup, pruned: ['20260201T030000Z'] } }));
    expect(await cli.run('backup', 'now')).toBe(0);
    expect(cli.requests[0]).toMatchObject({ method: 'POST', url: 'http://127.0.0.1:8080/api/v1/backups' });
    expect(cli.stdout).toBe('backup 20260301T030000Z written: 5 items, 9 audit records\ndeleted old backup 20260201T030000Z (retention)\n');
  });

  it('lists backups as a table', async () => {
    const cli = cliHarness(() => ({ body: [backup] }));
    expect(await cli.run('backups')).toBe(0);
    expect(cli.stdout).toMatch(/^BACKUP +CREATED +BY +ITEMS +AUDIT RECORDS\n20260301T030000Z +2026-03-01 03:00:00Z +system:backup +5 +9\n$/);
  });

  it('restores with a dry-run diff, and reports a backup of a newer server by its code', async () => {
    const result = { dryRun: true, mode: 'replace', summary: { create: 0, update: 1, delete: 0, unchanged: 4 }, changes: [{ op: 'update', type: 'clusters', key: 'Infra', fromVersion: 3, toVersion: 4 }], backup, commits: 0 };
    const cli = cliHarness(() => ({ body: result }));
    expect(await cli.run('restore', '20260301T030000Z', '--dry-run')).toBe(0);
    expect(cli.requests[0]).toMatchObject({ method: 'POST', url: 'http://127.0.0.1:8080/api/v1/backups/20260301T030000Z/restore?dryRun=true' });
    expect(cli.stdout).toContain('~ update  clusters  Infra  3 -> 4');
    expect(cli.stdout).toContain('would create 0, update 1, delete 0; 4 unchanged');
    const refused = cliHarness(() => problem(422, 'backup-too-new', "backup '20260301T030000Z' was written by a newer Environment Manager"));
    expect(await refused.run('restore', '20260301T030000Z')).toBe(1);
    expect(refused.stderr).toContain('newer Environment Manager');
  });
});
