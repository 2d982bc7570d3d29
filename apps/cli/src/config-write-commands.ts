import type { Command } from 'commander';
import type { ConfigType } from '@envmgr/api-contract';
import { parsePositiveInt, parseType } from './args.js';
import type { Context } from './context.js';
import { onItem, quoteArg, UsageError } from './failure.js';
import { readJsonInput } from './io.js';
import { keyOf } from './item-summary.js';
import { toJson } from './output.js';

type Doc = Record<string, unknown>;

/** `envmgr config create|update|delete|revert`: changing configuration items. */
export function registerConfigWriteCommands(config: Command, ctx: Context): void {
  config
    .command('create')
    .description('create an item from a JSON file (its Version, if any, is ignored)')
    .argument('<type>', 'configuration type', parseType)
    .requiredOption('--file <path>', "the item as JSON; '-' reads stdin")
    .option('--json', 'print the created item as JSON')
    .action(async (type: ConfigType, opts: { file: string; json?: boolean }, cmd: Command) => {
      const doc = await readItemFile(ctx, opts.file);
      const { item, version } = await onItem({ type, key: keyOf(type, doc) }, async () => (await ctx.client(cmd)).create(type, doc));
      if (opts.json) ctx.write(toJson(item));
      else ctx.out(`created ${type} '${keyOf(type, item)}' (version ${version})`);
    });

  config
    .command('update')
    .description('replace an item with a JSON file, if nobody changed it since the version you read')
    .argument('<type>', 'configuration type', parseType)
    .argument('<key>', 'the item key (lb-settings: env/vhost)')
    .requiredOption('--file <path>', "the item as JSON, as `envmgr config get` printed it; '-' reads stdin")
    .option('--expected-version <n>', "the version you read (default: the file's Version)", parsePositiveInt)
    .option('--json', 'print the updated item as JSON')
    .action(async (type: ConfigType, key: string, opts: { file: string; expectedVersion?: number; json?: boolean }, cmd: Command) => {
      const doc = await readItemFile(ctx, opts.file);
      const expected = opts.expectedVersion ?? versionInFile(type, key, doc);
      const { item, version } = await onItem({ type, key }, async () => (await ctx.client(cmd)).update(type, key, doc, expected));
      if (opts.json) ctx.write(toJson(item));
      else ctx.out(`updated ${type} '${key}': version ${expected} -> ${version}`);
    });

  config
    .command('delete')
    .description('delete an item, if nobody changed it since the version you read')
    .argument('<type>', 'configuration type', parseType)
    .argument('<key>', 'the item key')
    .requiredOption('--expected-version <n>', 'the version you read (see `envmgr config get`)', parsePositiveInt)
    .action(async (type: ConfigType, key: string, opts: { expectedVersion: number }, cmd: Command) => {
      await onItem({ type, key }, async () => (await ctx.client(cmd)).remove(type, key, opts.expectedVersion));
      ctx.out(`deleted ${type} '${key}' (it was at version ${opts.expectedVersion})`);
    });

  config
    .command('revert')
    .description("write a new version whose data equals an earlier version's")
    .argument('<type>', 'configuration type', parseType)
    .argument('<key>', 'the item key')
    .requiredOption('--to <version>', 'the version whose data to restore (see `envmgr config history`)', parsePositiveInt)
    .requiredOption('--expected-version <n>', 'the current version', parsePositiveInt)
    .option('--json', 'print the resulting item as JSON')
    .action(async (type: ConfigType, key: string, opts: { to: number; expectedVersion: number; json?: boolean }, cmd: Command) => {
      const versions = { toVersion: opts.to, expectedVersion: opts.expectedVersion };
      const { item, version } = await onItem({ type, key }, async () => (await ctx.client(cmd)).revert(type, key, versions));
      if (opts.json) ctx.write(toJson(item));
      else ctx.out(`reverted ${type} '${key}' to the data of version ${opts.to}: now version ${version}`);
    });
}

async function readItemFile(ctx: Context, path: string): Promise<Doc> {
  const doc = await readJsonInput(ctx.io, path);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new UsageError(`${path === '-' ? 'stdin' : `'${path}'`} must hold one JSON object (an item, as \`envmgr config get\` prints it)`);
  }
  return doc as Doc;
}

/** The expected version of an update when no flag gives it: the `Version` kept from `envmgr config get`. */
function versionInFile(type: ConfigType, key: string, doc: Doc): number {
  const v = doc.Version;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 1) return v;
  const get = `envmgr config get ${type} ${quoteArg(key)}`;
  if (v !== undefined) throw new UsageError(`the file's Version must be a whole number of at least 1, got ${JSON.stringify(v)}`, `run \`${get}\` to see the current one`);
  throw new UsageError(
    'no expected version: the file has no Version and --expected-version was not given',
    `run \`${get} > item.json\` first, edit that file keeping its Version, then pass it with --file (or give --expected-version <n>)`,
  );
}
