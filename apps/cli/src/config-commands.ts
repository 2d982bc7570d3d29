import type { Command } from 'commander';
import { type AuditRecordDto, type ConfigType, type ListPage } from '@envmgr/api-contract';
import { checkFilters, collectFilter, parsePositiveInt, parseType } from './args.js';
import type { Context } from './context.js';
import { collect } from './collect.js';
import { onItem } from './failure.js';
import { itemTable } from './item-summary.js';
import { cell, shortTime, table, toJson } from './output.js';

interface ListOptions {
  filter?: Record<string, string>;
  limit?: number;
  all?: boolean;
  json?: boolean;
}

/** `envmgr config list|get|history`: reading configuration items. */
export function registerConfigReadCommands(config: Command, ctx: Context): void {
  config
    .command('list')
    .description('list the items of a type (one page unless --all)')
    .argument('<type>', 'configuration type', parseType)
    .option('--filter <key=value>', 'only items with this attribute (repeatable)', collectFilter)
    .option('--limit <n>', 'page size (at most 1000)', parsePositiveInt)
    .option('--all', 'fetch every page')
    .option('--json', 'print the items as a JSON array')
    .action(async (type: ConfigType, opts: ListOptions, cmd: Command) => {
      const filters = opts.filter ?? {};
      checkFilters(type, filters);
      const client = await ctx.client(cmd);
      const query = { filters, limit: opts.limit };
      const page = await onItem({ type }, async () =>
        opts.all ? { items: await collect(client.listAll(type, query)), nextCursor: undefined } : client.list(type, query),
      );
      if (opts.json) ctx.write(toJson(page.items));
      else if (page.items.length === 0) ctx.out(`no ${type} found`);
      else {
        const { headers, rows } = itemTable(type, page.items);
        table(headers, rows).forEach(ctx.out);
      }
      if (page.nextCursor) ctx.note(`(more ${type} exist: use --all to list every page, or a larger --limit)`);
    });

  config
    .command('get')
    .description('print one item as JSON, with the Version an update must quote')
    .argument('<type>', 'configuration type', parseType)
    .argument('<key>', 'the item key (lb-settings: env/vhost)')
    .option('--json', 'print JSON (the default output is JSON too)')
    .action(async (type: ConfigType, key: string, _opts: { json?: boolean }, cmd: Command) => {
      const { item } = await onItem({ type, key }, async () => (await ctx.client(cmd)).get(type, key));
      ctx.write(toJson(item));
    });

  config
    .command('history')
    .description("show an item's changes, newest first")
    .argument('<type>', 'configuration type', parseType)
    .argument('<key>', 'the item key')
    .option('--limit <n>', 'page size (at most 1000)', parsePositiveInt)
    .option('--all', 'fetch every page')
    .option('--json', 'print the audit records as a JSON array')
    .action(async (type: ConfigType, key: string, opts: Omit<ListOptions, 'filter'>, cmd: Command) => {
      const client = await ctx.client(cmd);
      const page: Pick<ListPage<AuditRecordDto>, 'items' | 'nextCursor'> = await onItem({ type, key }, async () =>
        opts.all ? { items: await collect(client.historyAll(type, key, { limit: opts.limit })), nextCursor: undefined } : client.history(type, key, { limit: opts.limit }),
      );
      if (opts.json) ctx.write(toJson(page.items));
      else if (page.items.length === 0) ctx.out(`no history for ${type} '${key}'`);
      else table(['TIME', 'ACTOR', 'CHANGE', 'VERSION'], page.items.map((r) => [shortTime(r.at), r.actor, r.changeType, cell(r.version)])).forEach(ctx.out);
      if (page.nextCursor) ctx.note('(older changes exist: use --all, or a larger --limit)');
    });
}
