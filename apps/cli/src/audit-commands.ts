import type { Command } from 'commander';
import type { AuditListQuery, ConfigType } from '@envmgr/api-contract';
import { parsePositiveInt, parseTime, parseType } from './args.js';
import type { Context } from './context.js';
import { collect } from './collect.js';
import { CheckFailedError } from './failure.js';
import { cell, shortTime, table, toJson } from './output.js';

interface AuditOptions {
  type?: ConfigType;
  key?: string;
  actor?: string;
  since?: string;
  until?: string;
  limit?: number;
  all?: boolean;
  json?: boolean;
}

/** `envmgr audit [verify]`: who changed what, and whether the audit chain is intact. */
export function registerAuditCommands(program: Command, ctx: Context): void {
  const audit = program
    .command('audit')
    .description('show configuration changes, newest first (the last 24 hours unless --since is given)')
    .option('--type <type>', 'only this configuration type', parseType)
    .option('--key <key>', 'only this item (with --type)')
    .option('--actor <name>', 'only changes by this user')
    .option('--since <time>', 'from this ISO time, or this long ago: 30m, 24h, 7d, 2w')
    .option('--until <time>', 'before this ISO time or duration ago')
    .option('--limit <n>', 'page size (at most 1000)', parsePositiveInt)
    .option('--all', 'fetch every page')
    .option('--json', 'print the audit records as a JSON array')
    .action(async (opts: AuditOptions, cmd: Command) => {
      const now = ctx.now();
      const query: AuditListQuery = {
        entityType: opts.type,
        key: opts.key,
        actor: opts.actor,
        since: opts.since === undefined ? undefined : parseTime('--since', opts.since, now),
        until: opts.until === undefined ? undefined : parseTime('--until', opts.until, now),
        limit: opts.limit,
      };
      const client = await ctx.client(cmd);
      const page = opts.all ? { items: await collect(client.auditAll(query)), nextCursor: undefined } : await client.audit(query);
      if (opts.json) ctx.write(toJson(page.items));
      else if (page.items.length === 0) ctx.out(`no changes found${opts.since ? '' : ' in the last 24 hours (use --since for older ones)'}`);
      else {
        const rows = page.items.map((r) => [shortTime(r.at), r.actor, r.changeType, r.entityType, r.key, cell(r.version)]);
        table(['TIME', 'ACTOR', 'CHANGE', 'TYPE', 'KEY', 'VERSION'], rows).forEach(ctx.out);
      }
      if (page.nextCursor) ctx.note('(more changes exist: use --all, a larger --limit, or narrow --since/--until)');
    });

  audit
    .command('verify')
    .description("check the audit log's hash chain; exits 1 when it is broken")
    .option('--json', 'print the verification result as JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const result = await (await ctx.client(cmd)).verifyAudit();
      if (cmd.optsWithGlobals<{ json?: boolean }>().json) ctx.write(toJson(result));
      else if (result.ok) ctx.out(`audit chain ok: ${result.checked} record${result.checked === 1 ? '' : 's'} checked`);
      if (!result.ok) {
        const at = result.brokenAt ? ` at seq ${result.brokenAt.seq}: ${result.brokenAt.reason}` : '';
        throw new CheckFailedError(`the audit chain is broken${at} (${result.checked} records checked)`);
      }
    });
}
