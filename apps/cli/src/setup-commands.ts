import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { applyIamSetup, createAccountIamClients, type AppliedChange } from '@envmgr/adapter-aws';
import { generateIamSetup, proveRoleChain, readPolicyFiles, type IamSetupInput, renderCloudFormation, renderLogsAccountTemplates, renderPolicyFiles, type IamSetup, type OutputFile, type Proof } from '@envmgr/iam-setup';
import type { Context } from './context.js';
import { CheckFailedError, UsageError } from './failure.js';
import { nodeFileSystem, readJsonInput, writeTextFile } from './io.js';
import { table, toJson } from './output.js';
import { buildSetupInput, parseRegisteredAccounts, type RegisteredAccount } from './setup-input.js';
import { registerSetupStorageCommand } from './setup-storage.js';

interface InputFlags {
  input: string;
  accounts?: string;
}

interface IamFlags extends InputFlags {
  format: string;
  out?: string;
  apply?: boolean;
  adminRole: string;
  awsEndpoint?: string;
}

/** `envmgr setup iam` and `envmgr setup check`: the AWS roles and policies of SPEC §12, generated and proven offline. */
export function registerSetupCommands(program: Command, ctx: Context): void {
  const setup = program.command('setup').description('AWS set-up: generate the IAM roles and policies of every account (setup iam), prove them offline (setup check), create the tables and buckets (setup storage)');
  registerSetupStorageCommand(setup, ctx);
  setup
    .command('iam')
    .description('render the IAM roles and policies of the master and child accounts (and the logs account templates) from the registered accounts and buckets; --apply creates them')
    .requiredOption('--input <file>', 'the set-up file: region, master account, buckets; optionally accounts EM does not register, or purposes overriding the registered ones')
    .option('--accounts <file>', 'the registered accounts as JSON (envmgr config list accounts --json); default: read them from the server')
    .option('--format <format>', 'json (plain policy documents) or cloudformation (one template per account)', 'cloudformation')
    .option('--out <dir>', 'write one file per document under this folder instead of printing them as one JSON object')
    .option('--apply', 'create or update the roles, policies and instance profiles in each account with the AWS credentials of the environment')
    .option('--admin-role <name>', 'with --apply: the role assumed in accounts other than the credentials\' own', 'OrganizationAccountAccessRole')
    .option('--aws-endpoint <url>', 'with --apply: send AWS calls to this endpoint (a test server)')
    .action(async (opts: IamFlags, cmd: Command) => {
      if (opts.format !== 'json' && opts.format !== 'cloudformation') throw new UsageError(`--format must be json or cloudformation, got '${opts.format}'`);
      const iam = generateIamSetup(await readInput(ctx, cmd, opts));
      const proof = proveRoleChain(iam);
      if (!proof.ok) throw new CheckFailedError(`the generated set-up fails its own proof (${firstFailure(proof)}); run envmgr setup check for the table`);
      if (opts.apply) return apply(ctx, iam, opts);
      const files = opts.format === 'json' ? renderPolicyFiles(iam) : [...renderCloudFormation(iam), ...renderLogsAccountTemplates(iam.input)];
      if (opts.out) await writeFiles(ctx, opts.out, files);
      else ctx.write(toJson(Object.fromEntries(files.map((f) => [f.path, JSON.parse(f.content) as unknown]))));
    });
  setup
    .command('check')
    .description('prove the generated IAM set-up offline: the master role assumes every child role, each role can do what it needs and nothing dangerous; exit 1 naming the first failing check')
    .requiredOption('--input <file>', 'the set-up file (see setup iam)')
    .option('--accounts <file>', 'the registered accounts as JSON; default: read them from the server')
    .option('--from <dir>', 'check the policy JSON that setup iam --format json --out <dir> wrote (edited or not) instead of generating it')
    .option('--failures', 'print only the failing checks')
    .option('--json', 'print the checks as JSON')
    .action(async (opts: InputFlags & { json?: boolean; failures?: boolean; from?: string }, cmd: Command) => {
      const input = await readInput(ctx, cmd, opts);
      const proof = proveRoleChain(opts.from ? await readWrittenSetup(ctx, input, opts.from) : generateIamSetup(input));
      printProof(ctx, proof, opts);
      if (!proof.ok) throw new CheckFailedError(`the IAM set-up fails ${proof.checks.filter((c) => !c.ok).length} check(s); first: ${firstFailure(proof)}`);
    });
}

async function readInput(ctx: Context, cmd: Command, opts: InputFlags) {
  const file = await readJsonInput(ctx.io, opts.input);
  let registered: RegisteredAccount[];
  if (opts.accounts) registered = parseRegisteredAccounts(await readJsonInput(ctx.io, opts.accounts), `'${opts.accounts}'`);
  else {
    const client = await ctx.client(cmd);
    registered = [];
    for await (const item of client.listAll('accounts')) registered.push(...parseRegisteredAccounts([item], 'the server\'s accounts'));
  }
  return buildSetupInput(file, registered, `'${opts.input}'`);
}

/** Reads `<dir>/policies/roles.json` and the files it names. */
async function readWrittenSetup(ctx: Context, input: IamSetupInput, dir: string): Promise<IamSetup> {
  const files = new Map<string, string>();
  const read = async (path: string) => files.set(path, toJson(await readJsonInput(ctx.io, join(dir, 'policies', path))));
  await read('roles.json');
  const index = JSON.parse(files.get('roles.json') ?? '[]') as unknown;
  const named = Array.isArray(index) ? index.flatMap((e: unknown) => (typeof e === 'object' && e !== null ? referencedFiles(e as Record<string, unknown>) : [])) : [];
  for (const path of new Set(named)) await read(path);
  const result = readPolicyFiles(input, files);
  if (!result.ok) throw new UsageError(`the policy files under ${dir} are not usable:\n${result.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
  return result.setup;
}

function referencedFiles(entry: Record<string, unknown>): string[] {
  const policies = Array.isArray(entry.policies) ? (entry.policies as unknown[]) : [];
  const files = policies.flatMap((p) => (typeof p === 'object' && p !== null && typeof (p as { file?: unknown }).file === 'string' ? [(p as { file: string }).file] : []));
  return [...(typeof entry.trust === 'string' ? [entry.trust] : []), ...files];
}

function firstFailure(proof: Proof): string {
  const c = proof.checks.find((x) => !x.ok);
  return c ? `${c.subject}: ${c.check}: ${c.detail}` : 'none';
}

function printProof(ctx: Context, proof: Proof, opts: { json?: boolean; failures?: boolean }): void {
  const checks = opts.failures ? proof.checks.filter((c) => !c.ok) : proof.checks;
  if (opts.json) return ctx.write(toJson({ ok: proof.ok, checks }));
  const rows = checks.map((c) => [c.ok ? 'ok' : 'FAIL', c.kind, c.subject, c.check, c.expected, c.detail]);
  for (const l of table(['RESULT', 'KIND', 'ROLE', 'CHECK', 'EXPECTED', 'WHY'], rows)) ctx.out(l);
  const failed = proof.checks.filter((c) => !c.ok).length;
  ctx.out(`${proof.checks.length} checks, ${failed} failed`);
}

async function writeFiles(ctx: Context, out: string, files: readonly OutputFile[]): Promise<void> {
  const fs = ctx.io.fs ?? nodeFileSystem;
  for (const dir of new Set(files.map((f) => dirname(join(out, f.path))))) await fs.mkdir(dir, 0o755);
  for (const f of files) await writeTextFile(ctx.io, join(out, f.path), f.content);
  ctx.note(`wrote ${files.length} files under ${out}`);
}

async function apply(ctx: Context, iam: IamSetup, opts: IamFlags): Promise<void> {
  const env = ctx.io.env;
  const credentials = env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) } : undefined;
  const clients = createAccountIamClients({ region: iam.input.region, adminRole: opts.adminRole, ...(opts.awsEndpoint ? { endpoint: opts.awsEndpoint } : {}), ...(credentials ? { credentials } : {}) });
  let changes: AppliedChange[];
  try {
    changes = await applyIamSetup(iam.roles, { clientFor: (a) => clients.clientFor(a) });
  } finally {
    clients.close();
  }
  for (const l of table(['ACCOUNT', 'KIND', 'NAME', 'CHANGE'], changes.map((c) => [c.account, c.kind, c.name, c.change]))) ctx.out(l);
}
