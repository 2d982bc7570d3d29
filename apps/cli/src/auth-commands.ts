import type { Command } from 'commander';
import { ApiError, type ApiTokenInfo, type EnvMgrClient, type PermissionEntry, type WhoAmI } from '@envmgr/api-contract';
import { parseDays } from './args.js';
import type { Context } from './context.js';
import { apiTokenId, credentialsPath, forgetCredential, storeCredential, storedCredential, type StoredCredential } from './credentials.js';
import { quoteArg, UsageError } from './failure.js';
import { readJsonInput, readStdin } from './io.js';
import { shortTime, table, toJson } from './output.js';

const MIN_PASSWORD_LENGTH = 12;

const LOGIN_HELP = `
By default envmgr signs in, then creates an API token (named "envmgr CLI on <hostname>",
valid for 90 days unless --days says otherwise) and stores that token, not the sign-in
token: a sign-in token lasts only 5 minutes, so keeping it would mean signing in again
every few minutes. The API token shows in \`envmgr token list\` and as <user>/token:<id>
in the audit log, and \`envmgr logout\` revokes it. --no-api-token keeps the short
sign-in token instead (nothing long-lived on disk, nothing to revoke).

Tokens are stored per server in $ENVMGR_CONFIG_DIR/credentials.json, else
$XDG_CONFIG_HOME/envmgr/credentials.json, else ~/.config/envmgr/credentials.json
(mode 0600). Every command sends, in order: --token, ENVMGR_TOKEN, the stored token.

Examples:
  envmgr login --user alice
  envmgr login --user ci-bot --password-stdin < password.txt`;

interface PasswordOptions {
  user?: string;
  passwordStdin?: boolean;
}

/** `envmgr login|logout|whoami|token|users`: signing in, API tokens and passwords. */
export function registerAuthCommands(program: Command, ctx: Context): void {
  program
    .command('login')
    .description('sign in to the server and store a token for later commands (an API token unless --no-api-token)')
    .option('--user <name>', 'user name (asked for on a terminal when left out)')
    .option('--password-stdin', 'read the password from stdin (scripts); otherwise it is asked for without echo')
    .option('--api-token', 'store a long-lived API token (the default)')
    .option('--no-api-token', 'store the 5-minute sign-in token instead')
    .option('--name <name>', 'the API token\'s name (default "envmgr CLI on <hostname>")')
    .option('--days <d>', "the API token's lifetime in days, 1-366 (default 90)", parseDays)
    .addHelpText('after', LOGIN_HELP)
    .action(async (opts: PasswordOptions & { apiToken?: boolean; name?: string; days?: number }, cmd: Command) => {
      const apiToken = opts.apiToken !== false;
      if (!apiToken && (opts.name !== undefined || opts.days !== undefined)) {
        throw new UsageError('--name and --days describe the API token, which --no-api-token does not create');
      }
      const server = ctx.server(cmd);
      const previous = await storedCredential(ctx.io, server);
      warnIfPlainHttp(ctx, server);
      const user = await askUser(ctx, opts.user, previous?.user);
      const password = await readPassword(ctx, opts, `password for ${user} at ${server}: `);
      const signedIn = await ctx.clientWith(cmd, undefined).login(user, password);
      let entry: StoredCredential;
      let what: string;
      if (apiToken) {
        const name = opts.name ?? `envmgr CLI on ${ctx.hostname()}`;
        const created = await ctx.clientWith(cmd, signedIn.token).createToken({ name, expiresInDays: opts.days });
        entry = { token: created.token, user: signedIn.user, expiresAt: created.expiresAt };
        what = `API token '${created.name}' (id ${created.id})`;
      } else {
        entry = { token: signedIn.token, user: signedIn.user, expiresAt: new Date(ctx.now().getTime() + signedIn.expiresInSeconds * 1000).toISOString() };
        what = 'sign-in token';
      }
      const path = await storeCredential(ctx.io, server, entry);
      ctx.out(`signed in to ${server} as ${signedIn.user} (token ${validFor(ctx, entry.expiresAt)})`);
      ctx.note(`stored the ${what} in ${path}${apiToken ? '; `envmgr logout` revokes it' : ''}`);
      if (previous && previous.token !== entry.token) await revokeReplaced(ctx, cmd, previous);
      if (ctx.io.env.ENVMGR_TOKEN?.trim()) ctx.note('note: ENVMGR_TOKEN is set and is sent instead of the stored token; unset it to use this sign-in');
    });

  program
    .command('logout')
    .description('revoke the stored API token and forget it (a sign-in token is forgotten; it expires by itself)')
    .action(async (_opts: unknown, cmd: Command) => {
      const server = ctx.server(cmd);
      const stored = await storedCredential(ctx.io, server);
      if (!stored) {
        ctx.out(`not signed in to ${server} (no token stored in ${credentialsPath(ctx.io)})`);
        return noteOverrides(ctx);
      }
      const client = ctx.clientWith(cmd, stored.token);
      ctx.auth = { server, source: 'file' };
      // Clears the server's session cookie; a CLI has none, so any failure here changes nothing.
      await client.logout().catch(() => undefined);
      const id = apiTokenId(stored.token);
      let outcome = '';
      let failure: unknown;
      if (id !== undefined) {
        try {
          await client.revokeToken(id);
          outcome = ` (API token ${id} revoked)`;
        } catch (err) {
          // 401/404: it was revoked or expired already, or is gone; there is nothing left to revoke.
          if (err instanceof ApiError && (err.status === 401 || err.status === 404)) outcome = ` (API token ${id} was already revoked or expired)`;
          else failure = err;
        }
      }
      await forgetCredential(ctx.io, server);
      if (failure !== undefined) {
        ctx.note(`forgot the token stored for ${server}, but could not revoke API token ${id ?? ''} on the server: it stays valid${until(stored.expiresAt)}`);
        ctx.note(`revoke it from another sign-in with \`envmgr token revoke ${id ?? ''}\``);
        if (failure instanceof Error) throw failure;
        throw new UsageError(`could not revoke API token ${id ?? ''}`);
      }
      ctx.out(`signed out of ${server}${outcome}`);
      if (id === undefined) ctx.note(`note: a sign-in token cannot be revoked; it stops working by itself${stored.expiresAt ? ` at ${shortTime(stored.expiresAt)}` : ''}`);
      noteOverrides(ctx);
    });

  program
    .command('whoami')
    .description('show who the server takes you for, and your permissions')
    .option('--json', 'print the server\'s answer as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const found = await ctx.token(cmd);
      const me = await (await ctx.client(cmd)).whoami();
      if (opts.json) return ctx.write(toJson(me));
      const source = found?.source === 'flag' ? '--token' : found?.source === 'env' ? 'ENVMGR_TOKEN' : `stored by envmgr login${found?.stored?.expiresAt ? `, valid until ${shortTime(found.stored.expiresAt)}` : ''}`;
      describeActor(me).forEach(ctx.out);
      ctx.out(`server:      ${ctx.server(cmd)}`);
      ctx.out(`credentials: ${source}`);
    });

  const token = program.command('token').description('API tokens for scripts and pipelines: create, list, revoke');

  token
    .command('create')
    .description('create an API token; its secret is printed (on stdout) this once only')
    .requiredOption('--name <name>', 'what it is for, e.g. "deploy from CI"')
    .option('--days <d>', 'lifetime in days, 1-366 (default 90)', parseDays)
    .option('--permissions-file <path>', "limit it to these permission entries (a JSON array, as in a permission set); '-' reads stdin")
    .option('--user <name>', 'sign in as this user for this request (needed when envmgr holds an API token)')
    .option('--password-stdin', 'read that password from stdin')
    .option('--json', 'print the created token as JSON (the secret in `token`)')
    .addHelpText('after', '\nAPI tokens cannot create API tokens. When the stored token is one (the default after\n`envmgr login`), envmgr asks for your password and signs in for this request only.')
    .action(async (opts: PasswordOptions & { name: string; days?: number; permissionsFile?: string; json?: boolean }, cmd: Command) => {
      if (opts.permissionsFile === '-' && opts.passwordStdin) throw new UsageError('--permissions-file - and --password-stdin cannot both read stdin');
      const permissions = opts.permissionsFile === undefined ? undefined : await readPermissions(ctx, opts.permissionsFile);
      const client = await mintingClient(ctx, cmd, opts);
      const created = await client.createToken({ name: opts.name, expiresInDays: opts.days, permissions });
      if (opts.json) ctx.write(toJson(created));
      else ctx.out(created.token);
      const limit = created.permissions ? `, limited to ${plural(created.permissions.length, 'permission entry', 'permission entries')}` : '';
      ctx.note(`created API token '${created.name}' (id ${created.id}) for ${created.owner}${created.expiresAt ? `, valid until ${shortTime(created.expiresAt)}` : ''}${limit}`);
      ctx.note('warning: this is the only time the token is shown: store it now in a secret store (never in a repository).');
      ctx.note(`use it as ENVMGR_TOKEN or Authorization: Bearer; revoke it with \`envmgr token revoke ${created.id}\``);
    });

  token
    .command('list')
    .description('list your API tokens, newest first (administrators: anyone\'s with --owner)')
    .option('--owner <user>', "another user's tokens (administrators)")
    .option('--json', 'print the tokens as a JSON array')
    .action(async (opts: { owner?: string; json?: boolean }, cmd: Command) => {
      const current = await ctx.token(cmd);
      const tokens = await (await ctx.client(cmd)).listTokens(opts.owner);
      if (opts.json) return ctx.write(toJson(tokens));
      if (tokens.length === 0) return ctx.out(`no API tokens${opts.owner ? ` of ${opts.owner}` : ''}`);
      const currentId = current ? apiTokenId(current.token) : undefined;
      const rows = tokens.map((t) => [t.id, t.name, t.owner, shortTime(t.createdAt), t.expiresAt ? shortTime(t.expiresAt) : 'never', status(ctx, t, currentId), limits(t)]);
      table(['ID', 'NAME', 'OWNER', 'CREATED', 'EXPIRES', 'STATUS', 'PERMISSIONS'], rows).forEach(ctx.out);
    });

  token
    .command('revoke')
    .description('revoke an API token at once')
    .argument('<id>', 'the token id (see `envmgr token list`)')
    .action(async (arg: string, _opts: unknown, cmd: Command) => {
      // A whole token is accepted too; only its id is sent.
      const id = apiTokenId(arg) ?? arg;
      const current = await ctx.token(cmd);
      await (await ctx.client(cmd)).revokeToken(id);
      ctx.out(`revoked API token ${id}`);
      if (current?.source === 'file' && apiTokenId(current.token) === id) {
        await forgetCredential(ctx.io, ctx.server(cmd));
        ctx.note(`that was the token envmgr used for ${ctx.server(cmd)}; it is forgotten: run \`envmgr login\` to sign in again`);
      }
    });

  const users = program.command('users').description('local users: set-password');

  users
    .command('set-password')
    .description("set a local user's password (your own, or anyone's as an administrator)")
    .argument('<user>', 'the user name')
    .option('--password-stdin', 'read the new password from stdin; otherwise it is asked for twice without echo')
    .action(async (user: string, opts: { passwordStdin?: boolean }, cmd: Command) => {
      const password = await readPassword(ctx, opts, `new password for ${user}: `);
      if (!opts.passwordStdin && (await ctx.io.prompt?.askSecret('repeat it: ')) !== password) {
        throw new UsageError('the two passwords differ: nothing was changed');
      }
      if ([...password].length < MIN_PASSWORD_LENGTH) throw new UsageError(`the password must be at least ${MIN_PASSWORD_LENGTH} characters long: nothing was changed`);
      await (await ctx.client(cmd)).setPassword(user, password);
      ctx.out(`set the password of ${quoteArg(user)}`);
    });
}

/** The user name: `--user`, else asked for on a terminal (offering the stored one). */
async function askUser(ctx: Context, given: string | undefined, offered: string | undefined): Promise<string> {
  if (given !== undefined) {
    if (given.trim() === '') throw new UsageError('--user must not be empty');
    return given;
  }
  if (!ctx.io.prompt) throw new UsageError('--user is required when there is no terminal to ask on');
  const answer = await ctx.io.prompt.ask(offered ? `user name [${offered}]: ` : 'user name: ');
  const name = answer || offered;
  if (!name) throw new UsageError('no user name given: nothing was sent');
  return name;
}

/** A password from stdin (`--password-stdin`, trailing line break dropped) or asked for without echo. */
async function readPassword(ctx: Context, opts: { passwordStdin?: boolean | undefined }, question: string): Promise<string> {
  let password: string;
  if (opts.passwordStdin) password = (await readStdin(ctx.io)).replace(/[\r\n]+$/, '');
  else if (ctx.io.prompt) password = await ctx.io.prompt.askSecret(question);
  else throw new UsageError('no terminal to ask for the password on', 'pipe it in with --password-stdin');
  if (password === '') throw new UsageError(`no password given${opts.passwordStdin ? ' on stdin' : ''}: nothing was sent`);
  return password;
}

/**
 * A client that may create API tokens: API tokens cannot, so when the token in use is one (or --user or
 * --password-stdin ask for it), sign in with a password for this request only. Nothing is stored.
 */
async function mintingClient(ctx: Context, cmd: Command, opts: PasswordOptions): Promise<EnvMgrClient> {
  const current = await ctx.token(cmd);
  const holdsApiToken = current !== undefined && apiTokenId(current.token) !== undefined;
  if (!holdsApiToken && opts.user === undefined && !opts.passwordStdin) return ctx.client(cmd);
  if (holdsApiToken && !opts.passwordStdin && !ctx.io.prompt) {
    throw new UsageError(
      'API tokens cannot create API tokens, and there is no terminal to ask for your password on',
      'pass --user <name> --password-stdin to sign in for this request',
    );
  }
  const user = await askUser(ctx, opts.user, current?.stored?.user);
  if (holdsApiToken) ctx.note(`API tokens cannot create API tokens: signing in as ${user} for this request`);
  const password = await readPassword(ctx, opts, `password for ${user} at ${ctx.server(cmd)}: `);
  const signedIn = await ctx.clientWith(cmd, undefined).token(user, password);
  return ctx.clientWith(cmd, signedIn.token);
}

/** Best effort: the API token a new login replaces is revoked with its own credentials, so it does not linger. */
async function revokeReplaced(ctx: Context, cmd: Command, previous: StoredCredential): Promise<void> {
  const id = apiTokenId(previous.token);
  if (id === undefined) return;
  try {
    await ctx.clientWith(cmd, previous.token).revokeToken(id);
    ctx.note(`revoked API token ${id}, which envmgr used before`);
  } catch (err) {
    // 401: it had expired or been revoked already; nothing to do.
    if (err instanceof ApiError && err.status === 401) return;
    ctx.note(`note: could not revoke API token ${id}, which envmgr used before (${err instanceof Error ? err.message : String(err)}); revoke it with \`envmgr token revoke ${id}\``);
  }
}

async function readPermissions(ctx: Context, path: string): Promise<PermissionEntry[]> {
  const doc = await readJsonInput(ctx.io, path);
  const list = Array.isArray(doc) ? doc : doc && typeof doc === 'object' && Array.isArray((doc as { Permissions?: unknown }).Permissions) ? (doc as { Permissions: unknown[] }).Permissions : undefined;
  if (!list || !list.every((p) => p && typeof p === 'object' && !Array.isArray(p))) {
    throw new UsageError(
      `${path === '-' ? 'stdin' : `'${path}'`} must hold a JSON array of permission entries (or a permission set with Permissions)`,
      'e.g. [{"Resource": "/config/environments/**", "Access": "PUT", "Clusters": ["Infra"]}]',
    );
  }
  return list as PermissionEntry[];
}

function warnIfPlainHttp(ctx: Context, server: string): void {
  const url = new URL(server);
  const local = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol === 'http:' && !local) ctx.note(`warning: ${server} is plain http: your password and token cross the network unencrypted; use https`);
}

function noteOverrides(ctx: Context): void {
  if (ctx.io.env.ENVMGR_TOKEN?.trim()) ctx.note('note: ENVMGR_TOKEN is still set, and later commands send it; unset it too');
}

/** `valid for 5 min`, `valid for 12 h`, `valid for 90 days`: the time left until `expiresAt`. */
function validFor(ctx: Context, expiresAt: string | null): string {
  if (expiresAt === null) return 'valid until revoked';
  const seconds = Math.max(0, Math.round((Date.parse(expiresAt) - ctx.now().getTime()) / 1000));
  if (seconds < 120) return `valid for ${seconds} s`;
  if (seconds < 120 * 60) return `valid for ${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `valid for ${Math.round(seconds / 3600)} h`;
  return `valid for ${Math.round(seconds / 86_400)} days`;
}

function until(expiresAt: string | null): string {
  return expiresAt ? ` until ${shortTime(expiresAt)}` : '';
}

function status(ctx: Context, t: ApiTokenInfo, currentId: string | undefined): string {
  const state = t.revokedAt ? 'revoked' : t.expiresAt && Date.parse(t.expiresAt) <= ctx.now().getTime() ? 'expired' : 'active';
  return t.id === currentId ? `${state} (in use here)` : state;
}

function limits(t: ApiTokenInfo): string {
  return t.permissions === null ? "all of the owner's" : plural(t.permissions.length, 'entry', 'entries');
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** whoami as text: who, how signed in, and the permissions in force. */
function describeActor(me: WhoAmI): string[] {
  const how = me.kind === 'token' ? `API token ${/token:(.+)$/.exec(me.name)?.[1] ?? me.name}` : me.kind === 'user' ? 'password sign-in' : me.kind;
  const lines = [`user:        ${me.user ?? me.name}`, `signed in:   ${how} (audit name ${me.name})`, `admin:       ${me.isAdmin ? 'yes' : 'no'}`];
  lines.push(me.permissions.length ? 'permissions:' : 'permissions: none');
  for (const p of me.permissions) lines.push(`  ${describePermission(p)}`);
  if (me.tokenPermissions) {
    lines.push('this token is limited to:');
    for (const p of me.tokenPermissions) lines.push(`  ${describePermission(p)}`);
  }
  return lines;
}

/** `PUT on /config/environments/** for clusters 'Infra' and all environment types`; grants as `cluster 'Infra'`. */
export function describePermission(p: PermissionEntry): string {
  if (typeof p.Resource === 'string') {
    const access = typeof p.Access === 'string' ? p.Access : 'no access';
    const scope = [limitList('clusters', p.Clusters), limitList('environment types', p.EnvironmentTypes)].filter(Boolean).join(' and ');
    return `${access} on ${p.Resource}${scope ? ` for ${scope}` : ''}`;
  }
  if (typeof p.Cluster === 'string') return `cluster '${p.Cluster}' (widens the permissions above)`;
  if (typeof p.EnvironmentType === 'string') return `environment type '${p.EnvironmentType}' (widens the permissions above)`;
  return JSON.stringify(p);
}

function limitList(noun: string, list: unknown): string {
  if (list === undefined) return '';
  if (typeof list === 'string') return list.toLowerCase() === 'all' ? `all ${noun}` : `${noun} '${list}'`;
  if (!Array.isArray(list)) return '';
  return list.length === 0 ? `no ${noun}` : `${noun} ${list.map((n) => `'${String(n)}'`).join(', ')}`;
}
