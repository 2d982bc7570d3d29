import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { PermissionCheck, PermissionVerdict } from '@envmgr/api-contract';
import type { Context } from './context.js';
import { CheckFailedError, UsageError } from './failure.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

interface CheckOptions {
  user?: string;
  group?: string;
  permissionsFile?: string;
  cluster: string[];
  environmentType: string[];
  json?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `envmgr permissions check`: EM's policy simulator (administrators). */
export function registerPermissionCommands(program: Command, ctx: Context): void {
  const permissions = program.command('permissions').description('the permission model: check what a user, group or set of entries may do');
  permissions
    .command('check <method> <resource>')
    .description('would this user, group or set of permission entries be allowed the request, and which entries decide it')
    .option('--user <name>', "a user (with their groups' permission sets)")
    .option('--group <name>', "a group's permission set")
    .option('--permissions-file <path>', 'a JSON array of permission entries')
    .option('--cluster <name>', 'a cluster the request touches (repeatable)', collect, [])
    .option('--environment-type <name>', 'an environment type the request touches (repeatable)', collect, [])
    .option('--json', "print the server's answer as JSON")
    .addHelpText('after', '\nExample:\n  envmgr permissions check PUT /config/environments/c50 --user alice --cluster Infra --environment-type Prod\n')
    .action(async (method: string, resource: string, opts: CheckOptions, cmd: Command) => {
      const m = method.toUpperCase();
      if (!(METHODS as readonly string[]).includes(m)) throw new UsageError(`unknown method '${method}'; use one of ${METHODS.join(', ')}`);
      const subject = await subjectOf(opts);
      const request: PermissionCheck = {
        ...subject,
        request: { method: m as PermissionCheck['request']['method'], resource, clusters: opts.cluster, environmentTypes: opts.environmentType },
      };
      const verdict = await (await ctx.client(cmd)).evaluatePermissions(request);
      if (opts.json) {
        ctx.write(`${JSON.stringify(verdict, null, 2)}\n`);
        if (!verdict.allowed) throw new CheckFailedError('denied');
        return;
      }
      const [first, ...rest] = describe(verdict);
      if (!verdict.allowed) {
        rest.forEach(ctx.out);
        throw new CheckFailedError(first ?? 'denied');
      }
      [first ?? 'ALLOWED', ...rest].forEach(ctx.out);
    });
}

async function subjectOf(opts: CheckOptions): Promise<Pick<PermissionCheck, 'user' | 'group' | 'permissions'>> {
  const given = [opts.user, opts.group, opts.permissionsFile].filter((x) => x !== undefined);
  if (given.length !== 1) throw new UsageError('give exactly one of --user, --group or --permissions-file');
  if (opts.user !== undefined) return { user: opts.user };
  if (opts.group !== undefined) return { group: opts.group };
  const text = await readFile(opts.permissionsFile ?? '', 'utf8').catch(() => {
    throw new UsageError(`cannot read ${opts.permissionsFile ?? ''}`);
  });
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new UsageError('--permissions-file must hold a JSON array of permission entries');
  return { permissions: parsed as Record<string, unknown>[] };
}

function describe(v: PermissionVerdict): string[] {
  const lines = [v.allowed ? 'ALLOWED' : `DENIED: ${v.reason ?? 'no permission covers the request'}`];
  for (const d of v.deciding ?? []) lines.push(`  decided by entry ${d.index} (${d.role}): ${JSON.stringify(d.permission)}`);
  for (const n of v.nearMisses ?? []) lines.push(`  close: entry ${n.index} matches the path but not its ${n.mismatch}${n.detail ? `: ${n.detail}` : ''}`);
  return lines;
}
