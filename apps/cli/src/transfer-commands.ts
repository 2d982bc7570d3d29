import { Option, type Command } from 'commander';
import type { ConfigType, ImportMode, ImportResult } from '@envmgr/api-contract';
import { collectTypes, parseLegacyResource } from './args.js';
import type { Context } from './context.js';
import { UsageError } from './failure.js';
import { readJsonInput, writeTextFile } from './io.js';
import { table, toJson } from './output.js';

interface ImportCommandOptions {
  file: string;
  mode: ImportMode;
  dryRun?: boolean;
  legacy?: string;
  json?: boolean;
}

/** `envmgr config export|import`: whole configuration sets, for backups and migrations. */
export function registerTransferCommands(config: Command, ctx: Context): void {
  config
    .command('export')
    .description('write every item (of the chosen types) as one JSON document')
    .option('--type <type>', 'only this type (repeatable)', collectTypes)
    .option('--output <file>', 'write to this file instead of stdout')
    .action(async (opts: { type?: ConfigType[]; output?: string }, cmd: Command) => {
      const doc = await (await ctx.client(cmd)).exportConfig(opts.type);
      if (!opts.output) return ctx.write(toJson(doc));
      await writeTextFile(ctx.io, opts.output, toJson(doc));
      const lists = Object.values(doc.items).filter((l) => l !== undefined);
      const count = lists.reduce((n, l) => n + l.length, 0);
      ctx.out(`exported ${count} item${count === 1 ? '' : 's'} of ${lists.length} type${lists.length === 1 ? '' : 's'} to ${opts.output}`);
    });

  config
    .command('import')
    .description('import a document from `envmgr config export` (or an environment-manager export with --legacy), all or nothing')
    .requiredOption('--file <path>', "the document; '-' reads stdin")
    .addOption(new Option('--mode <mode>', 'replace also deletes items of the imported types that the file lacks').choices(['merge', 'replace']).default('merge'))
    .option('--dry-run', 'show what would change without changing anything')
    .option('--legacy <resource>', 'the file is an environment-manager export array of this resource (e.g. deploymentmaps)', parseLegacyResource)
    .option('--json', 'print the raw import result')
    .action(async (opts: ImportCommandOptions, cmd: Command) => {
      const doc = await readJsonInput(ctx.io, opts.file);
      const options = { mode: opts.mode, dryRun: opts.dryRun ?? false };
      const client = await ctx.client(cmd);
      let result: ImportResult;
      if (opts.legacy !== undefined) {
        if (!Array.isArray(doc)) throw new UsageError(`with --legacy the file must hold a JSON array, as environment-manager's export of '${opts.legacy}'`);
        result = await client.importLegacy(opts.legacy, doc, options);
      } else {
        if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
          throw new UsageError('the file must hold one document from `envmgr config export`', 'for an environment-manager export array, add --legacy <resource>');
        }
        result = await client.importConfig(doc as Record<string, unknown>, options);
      }
      if (opts.json) ctx.write(toJson(result));
      else describeImport(result).forEach(ctx.out);
    });
}

const SIGN = { create: '+', update: '~', delete: '-', unchanged: '=' } as const;

/** The import result as a diff: a header, one line per change, and a summary. */
export function describeImport(result: ImportResult): string[] {
  const { summary: s, dryRun } = result;
  const header = dryRun ? `dry run (mode ${result.mode}): nothing was changed; the import would make these changes:` : `imported (mode ${result.mode}):`;
  const rows = result.changes.map((c) => [`${SIGN[c.op]} ${c.op}`, c.type, c.key, versions(c.fromVersion, c.toVersion)]);
  const lines = rows.length ? table(['CHANGE', 'TYPE', 'KEY', 'VERSION'], rows).map((l) => `  ${l}`) : ['  (the file holds no items)'];
  const totals = dryRun
    ? `would create ${s.create}, update ${s.update}, delete ${s.delete}; ${s.unchanged} unchanged`
    : `created ${s.create}, updated ${s.update}, deleted ${s.delete}; ${s.unchanged} unchanged`;
  return [header, ...lines, totals, ...(dryRun ? ['run it again without --dry-run to apply it'] : [])];
}

function versions(from: number | undefined, to: number | undefined): string {
  if (from !== undefined && to !== undefined) return from === to ? `${from}` : `${from} -> ${to}`;
  if (to !== undefined) return `-> ${to}`;
  return from !== undefined ? `${from} ->` : '';
}
