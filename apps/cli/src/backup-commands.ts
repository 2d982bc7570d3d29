import type { Command } from 'commander';
import type { BackupDto, RestoreResultDto } from '@envmgr/api-contract';
import type { Context } from './context.js';
import { shortTime, table, toJson } from './output.js';
import { describeImport } from './transfer-commands.js';

/** `envmgr backup now`, `envmgr backups`, `envmgr restore <backup> [--dry-run]` (docs/backup-and-replication.md). */
export function registerBackupCommands(program: Command, ctx: Context): void {
  program
    .command('backup')
    .description('back up configuration and audit')
    .command('now')
    .description('back up the whole configuration and audit now (administrators), then apply the retention count')
    .option('--json', 'print the new backup as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const created = await (await ctx.client(cmd)).backupNow();
      if (opts.json) return ctx.write(toJson(created));
      ctx.out(`backup ${created.backup.id} written: ${describeCounts(created.backup)}`);
      if (created.pruned.length) ctx.out(`deleted old backup${created.pruned.length > 1 ? 's' : ''} ${created.pruned.join(', ')} (retention)`);
    });

  program
    .command('backups')
    .description('list backups, newest first (administrators)')
    .option('--json', 'print the backups as a JSON array')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const backups = await (await ctx.client(cmd)).backups();
      if (opts.json) return ctx.write(toJson(backups));
      if (backups.length === 0) return ctx.out('no backups yet (make one with: envmgr backup now)');
      const rows = backups.map((b) => [b.id, shortTime(b.createdAt), b.createdBy, String(itemTotal(b)), String(b.auditRecords)]);
      table(['BACKUP', 'CREATED', 'BY', 'ITEMS', 'AUDIT RECORDS'], rows).forEach(ctx.out);
    });

  program
    .command('restore <backup>')
    .description('make the configuration equal to a backup (administrators); try --dry-run first')
    .option('--dry-run', 'show what the restore would change, change nothing')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, opts: { dryRun?: boolean; json?: boolean }, cmd: Command) => {
      const result: RestoreResultDto = await (await ctx.client(cmd)).restoreBackup(id, { dryRun: opts.dryRun === true });
      if (opts.json) return ctx.write(toJson(result));
      ctx.out(`backup ${result.backup.id} of ${result.backup.createdAt}:`);
      describeImport(result).forEach(ctx.out);
      if (!result.dryRun && result.commits > 1) ctx.out(`applied in ${result.commits} commits (the store takes fewer changes per transaction)`);
    });
}

const itemTotal = (b: BackupDto): number => Object.values(b.items).reduce<number>((n, c) => n + (c ?? 0), 0);

function describeCounts(b: BackupDto): string {
  return `${itemTotal(b)} items, ${b.auditRecords} audit records`;
}
