import type { Command } from 'commander';
import type { AccountReplicationDto } from '@envmgr/api-contract';
import type { Context } from './context.js';
import { shortTime, table, toJson } from './output.js';

/** `envmgr replication status`, `envmgr replication run` (docs/backup-and-replication.md#replication-to-child-accounts). */
export function registerReplicationCommands(program: Command, ctx: Context): void {
  const replication = program.command('replication').description('copies of the common tables in child accounts');

  replication
    .command('status')
    .description("each child account's replication state and lag")
    .option('--json', 'print the accounts as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { accounts } = await (await ctx.client(cmd)).replicationStatus();
      if (opts.json) return ctx.write(toJson(accounts));
      printAccounts(ctx, accounts);
    });

  replication
    .command('run')
    .description('run a replication pass now (administrators)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const result = await (await ctx.client(cmd)).replicateNow();
      if (opts.json) return ctx.write(toJson(result));
      if (!result.ran) return ctx.out('another server is replicating right now; see: envmgr replication status');
      printAccounts(ctx, result.accounts);
    });
}

function printAccounts(ctx: Context, accounts: AccountReplicationDto[]): void {
  if (accounts.length === 0) return ctx.out('no accounts to replicate into (register them: envmgr config accounts)');
  const rows = accounts.map((a) => [
    a.account,
    a.state,
    a.pendingChanges === null ? '-' : String(a.pendingChanges),
    a.lagMs === null ? '-' : formatLag(a.lagMs),
    a.lastSuccessAt ? shortTime(a.lastSuccessAt) : 'never',
    a.lastPass ? `+${a.lastPass.created} ~${a.lastPass.updated} -${a.lastPass.deleted}` : '-',
  ]);
  table(['ACCOUNT', 'STATE', 'PENDING', 'LAG', 'LAST SUCCESS', 'LAST PASS'], rows).forEach(ctx.out);
  for (const a of accounts) if (a.error) ctx.out(`${a.account}: ${a.error.message} (${a.error.code})`);
}

/** `0s`, `42s`, `3m 5s`, `2h 4m`. */
export function formatLag(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}
