import { InvalidArgumentError, type Command } from 'commander';
import { createPackagesClient, DEPLOYMENT_STATES, type BinaryFetchLike, type DeploymentDto, type DeploymentListQuery, type DeploymentRequestInput, type DeploymentStatus, type EnvMgrClient } from '@envmgr/api-contract';
import { parsePositiveInt, parseTime } from './args.js';
import { collect } from './collect.js';
import type { Context } from './context.js';
import { acceptedLines, deploymentHints, detailLines, planLines, summaryRow, SUMMARY_HEADERS } from './deployment-output.js';
import { waitForDeployment } from './deployment-wait.js';
import { ExitWithCode, reportError, UsageError } from './failure.js';
import { table, toJson } from './output.js';

interface WaitFlags {
  wait?: boolean;
  timeout?: Duration;
  json?: boolean;
}
interface DeployFlags extends WaitFlags {
  env: string;
  mode?: string;
  slice?: string;
  role?: string;
  dryRun?: boolean;
  canary?: number[];
  canaryStep?: Duration;
  maxErrorRate?: number;
}
interface Duration {
  ms: number;
  text: string;
}

const WAIT_HELP = 'follow it until it ends, showing each instance; exit 0 only when it succeeds';
const TIMEOUT_HELP = 'with --wait: stop waiting after this long (90s, 10m, 1h); the deployment goes on';

/** `envmgr deploy|deployments|deployment|cancel|redeploy|rollback`: deployments (SPEC §5). */
export function registerDeploymentCommands(program: Command, ctx: Context): void {
  program
    .command('deploy')
    .description('deploy a version of a service to an environment (--wait follows it to the end)')
    .argument('<service>', 'a configured service')
    .argument('<version>', 'a stored package version (`envmgr package list <service>`)')
    .requiredOption('--env <environment>', 'the environment to deploy to (required)')
    .option('--mode <mode>', 'overwrite (the default) or bluegreen', parseMode)
    .option('--slice <slice>', 'blue or green: the slice of a blue/green deployment (implies --mode bluegreen)', parseSlice)
    .option('--role <serverRole>', 'the server role, when several roles of the deployment map run the service')
    .option('--canary <steps>', 'with --slice: once installed, move traffic to the slice in these percent steps (e.g. 5,25), rolling back by itself on errors', parseSteps)
    .option('--canary-step <duration>', 'with --canary: how long each step lasts (default 60s)', parseDuration)
    .option('--max-error-rate <share>', 'with --canary: the highest share of failed requests the new slice may answer, 0-1 (default 0.01)', parseShare)
    .option('--dry-run', 'show what the deployment would do, changing nothing')
    .option('--wait', WAIT_HELP)
    .option('--timeout <duration>', TIMEOUT_HELP, parseDuration)
    .option('--json', 'print the deployment as JSON (with --wait: once it has ended; with --dry-run: the plan)')
    .addHelpText('after', '\nExamples:\n  envmgr deploy Hello 1.1.0 --env dev1 --wait\n  envmgr deploy Hello 1.1.0 --env dev1 --slice green --dry-run\n  envmgr deploy Hello 1.1.0 --env dev1 --slice green --canary 5,25 --canary-step 2m --wait\n')
    .action(async (service: string, version: string, opts: DeployFlags, cmd: Command) => {
      const input = deployInput(service, version, opts);
      if (opts.dryRun && (opts.wait || opts.timeout)) throw new UsageError('a dry run starts nothing to wait for', 'drop --wait and --timeout, or --dry-run');
      checkWaitFlags(opts);
      const client = await ctx.client(cmd);
      const req = { service, environment: opts.env };
      if (opts.dryRun) {
        const plan = await hinted(ctx, req, () => client.deployments.dryRun(input));
        return opts.json ? ctx.write(toJson(plan)) : planLines(plan).forEach(ctx.out);
      }
      const d = await hinted(ctx, req, () => client.deployments.request(input));
      await started(ctx, cmd, client, d, opts);
    });

  program
    .command('deployments')
    .description('list deployments, newest first')
    .option('--env <environment>', 'only to this environment')
    .option('--service <service>', 'only of this service')
    .option('--status <states>', `only in these states, comma-separated: ${DEPLOYMENT_STATES.join(', ')}, or active`, parseStatuses)
    .option('--since <time>', 'requested at or after this ISO time, or this long ago: 30m, 24h, 7d, 2w')
    .option('--limit <n>', 'how many (default 20); with --all, the page size', parsePositiveInt)
    .option('--all', 'every matching deployment, page after page')
    .option('--json', 'print the deployments as a JSON array')
    .action(async (opts: { env?: string; service?: string; status?: DeploymentListQuery['status']; since?: string; limit?: number; all?: boolean; json?: boolean }, cmd: Command) => {
      const query: DeploymentListQuery = {
        environment: opts.env,
        service: opts.service,
        status: opts.status,
        since: opts.since === undefined ? undefined : parseTime('--since', opts.since, ctx.now()),
        limit: opts.limit ?? (opts.all ? undefined : 20),
      };
      const client = await ctx.client(cmd);
      const page = opts.all ? { items: await collect(client.deployments.listAll(query)), nextCursor: undefined } : await client.deployments.list(query);
      if (opts.json) ctx.write(toJson(page.items));
      else if (page.items.length === 0) ctx.out('no deployments found');
      else table(SUMMARY_HEADERS, page.items.map(summaryRow)).forEach(ctx.out);
      if (page.nextCursor) ctx.note('(more deployments exist: use --all or a larger --limit, or narrow them down with --env, --service, --status or --since)');
    });

  program
    .command('deployment')
    .description('show a deployment: its status, each instance, why it failed; --logs adds its log and the agents\' logs')
    .argument('<id>', 'the deployment id (`envmgr deployments` lists them)')
    .option('--logs', "also print the deployment's log and each instance's agent log")
    .option('--json', 'print the deployment as JSON (with --logs, the agent logs under `agentLogs`, by instance)')
    .action(async (id: string, opts: { logs?: boolean; json?: boolean }, cmd: Command) => {
      const client = await ctx.client(cmd);
      const d = await hinted(ctx, { id }, () => client.deployments.get(id));
      const agentLogs = opts.logs ? await readAgentLogs(ctx, cmd, d) : undefined;
      if (opts.json) return ctx.write(toJson(agentLogs ? { ...d, agentLogs: Object.fromEntries([...agentLogs].map(([k, v]) => [k, v.text ?? null])) } : d));
      detailLines(d).forEach(ctx.out);
      if (!agentLogs) return;
      ctx.out('');
      ctx.out('log:');
      d.log.forEach((l) => ctx.out(`  ${l}`));
      for (const n of d.nodes) {
        const found = agentLogs.get(n.instanceId);
        if (!found) continue;
        ctx.out('');
        ctx.out(`agent log of ${n.instanceId} (${found.url}):`);
        if (found.text !== undefined) ctx.write(found.text.endsWith('\n') || found.text === '' ? found.text : `${found.text}\n`);
        else ctx.out(`  (cannot read it: ${found.error ?? 'unknown error'})`);
      }
    });

  program
    .command('cancel')
    .description('cancel a deployment in progress: it stops and ends cancelled (instances keep what they installed)')
    .argument('<id>', 'the deployment id')
    .option('--json', "print the server's answer as JSON")
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const client = await ctx.client(cmd);
      const d = await hinted(ctx, { id }, () => client.deployments.cancel(id));
      if (opts.json) return ctx.write(toJson(d));
      ctx.out(`deployment ${d.id} (${d.service} ${d.version} to ${d.environment}) is ${d.status}${d.reason ? `: ${d.reason}` : ''}`);
    });

  program
    .command('redeploy')
    .description('deploy again what a past deployment deployed, as a new deployment')
    .argument('<id>', 'the past deployment')
    .option('--wait', WAIT_HELP)
    .option('--timeout <duration>', TIMEOUT_HELP, parseDuration)
    .option('--json', 'print the new deployment as JSON (with --wait: once it has ended)')
    .action(async (id: string, opts: WaitFlags, cmd: Command) => {
      checkWaitFlags(opts);
      const client = await ctx.client(cmd);
      const d = await hinted(ctx, { id }, () => client.deployments.redeploy(id));
      await started(ctx, cmd, client, d, opts);
    });

  program
    .command('rollback')
    .description('deploy again the version that succeeded before the current one')
    .argument('<service>', 'the service')
    .requiredOption('--env <environment>', 'the environment (required)')
    .option('--slice <slice>', 'blue or green: roll back that slice only', parseSlice)
    .option('--wait', WAIT_HELP)
    .option('--timeout <duration>', TIMEOUT_HELP, parseDuration)
    .option('--json', 'print the new deployment as JSON (with --wait: once it has ended)')
    .action(async (service: string, opts: WaitFlags & { env: string; slice?: string }, cmd: Command) => {
      checkWaitFlags(opts);
      const client = await ctx.client(cmd);
      const d = await hinted(ctx, { service, environment: opts.env }, () => client.deployments.rollback({ environment: opts.env, service, slice: opts.slice }));
      if (!opts.json) ctx.out(`rolling ${d.service} in ${d.environment} back${d.rolledBackFrom ? ` from ${d.rolledBackFrom}` : ''} to ${d.version}`);
      await started(ctx, cmd, client, d, opts);
    });
}

/** After the server accepted a deployment: say where it is, then follow it with --wait. */
async function started(ctx: Context, cmd: Command, client: EnvMgrClient, d: DeploymentDto, opts: WaitFlags): Promise<void> {
  if (!opts.wait) {
    if (opts.json) return ctx.write(toJson(d));
    acceptedLines(d, ctx.server(cmd)).forEach(ctx.out);
    return ctx.note(`follow it with \`envmgr deployment ${d.id}\`; add --wait to wait for the end`);
  }
  if (!opts.json) acceptedLines(d, ctx.server(cmd)).forEach(ctx.out);
  await waitForDeployment(ctx, client, d, { json: opts.json === true, timeoutMs: opts.timeout?.ms, timeoutText: opts.timeout?.text });
}

function checkWaitFlags(opts: WaitFlags): void {
  if (opts.timeout && !opts.wait) throw new UsageError('--timeout goes with --wait', 'add --wait, or drop --timeout');
}

/** The request; mode and slice are checked here, so a wrong pair is a usage error (exit 2) that sends nothing. */
function deployInput(service: string, version: string, opts: DeployFlags): DeploymentRequestInput {
  const sliced = opts.slice !== undefined && opts.slice !== 'none';
  const mode = opts.mode ?? (sliced ? 'bluegreen' : undefined);
  if (mode === 'overwrite' && sliced) throw new UsageError(`an overwrite deployment has no slice, got --slice ${opts.slice}`, 'drop --slice, or pass --mode bluegreen');
  if (mode === 'bluegreen' && !sliced) throw new UsageError('a blue/green deployment needs a slice', 'pass --slice blue or --slice green');
  if ((opts.canaryStep || opts.maxErrorRate !== undefined) && !opts.canary) throw new UsageError('--canary-step and --max-error-rate go with --canary', 'add --canary 5,25');
  if (opts.canary && !sliced) throw new UsageError('a canary moves traffic to a slice', 'pass --slice with the inactive slice (envmgr slices <service> --env)');
  const canary = opts.canary
    ? {
        steps: opts.canary,
        ...(opts.canaryStep ? { stepSeconds: Math.max(1, Math.round(opts.canaryStep.ms / 1000)) } : {}),
        ...(opts.maxErrorRate !== undefined ? { maxErrorRate: opts.maxErrorRate } : {}),
      }
    : undefined;
  return { environment: opts.env, service, version, mode, slice: opts.slice, serverRole: opts.role, ...(canary ? { canary } : {}) };
}

function parseSteps(value: string): number[] {
  const steps = value.split(',').map((s) => Number(s.trim().replace(/%$/, '')));
  if (steps.length === 0 || steps.some((s) => !Number.isInteger(s) || s < 1 || s > 99) || steps.some((s, i) => i > 0 && s <= (steps[i - 1] ?? 0))) {
    throw new InvalidArgumentError('expected ascending percentages from 1 to 99, comma-separated, e.g. 5,25');
  }
  return steps;
}

function parseShare(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a share from 0 to 1, e.g. 0.01 for 1%');
  return n;
}

/**
 * Runs a deployment call; a refusal with a known code is reported as usual plus a hint naming the command to run
 * next (see {@link deploymentHints}).
 */
async function hinted<T>(ctx: Context, req: Parameters<typeof deploymentHints>[1], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const hints = deploymentHints(err, req);
    if (hints.length === 0) throw err;
    const code = reportError(err, ctx.note, ctx.auth);
    hints.forEach(ctx.note);
    throw new ExitWithCode(code);
  }
}

/** Each instance's agent log, read through EM's log route by the key in its URL; a failed read is kept as its error. */
async function readAgentLogs(ctx: Context, cmd: Command, d: DeploymentDto): Promise<Map<string, { url: string; text?: string; error?: string }>> {
  const found = await ctx.token(cmd);
  // Io.fetch is the global fetch in production, which also answers as text; its declared type only promises JSON
  const logs = createPackagesClient({ baseUrl: ctx.server(cmd), fetch: ctx.io.fetch as unknown as BinaryFetchLike | undefined, token: found?.token });
  const out = new Map<string, { url: string; text?: string; error?: string }>();
  for (const n of d.nodes) {
    if (!n.log) continue;
    const key = logKeyOf(n.log);
    if (key === undefined) {
      out.set(n.instanceId, { url: n.log, error: 'it is not a log stored in EM; open the URL' });
      continue;
    }
    try {
      out.set(n.instanceId, { url: n.log, text: await logs.readLog(key) });
    } catch (err) {
      out.set(n.instanceId, { url: n.log, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}

/** The key of a log URL `…/api/v1/logs/<key>` (agents may reach EM at another address than this CLI). */
export function logKeyOf(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url, 'http://x').pathname;
  } catch {
    return undefined;
  }
  const m = /\/api\/v1\/logs\/(.+)$/.exec(path);
  if (!m?.[1]) return undefined;
  try {
    return m[1].split('/').map(decodeURIComponent).join('/');
  } catch {
    return undefined;
  }
}

function parseMode(value: string): string {
  const v = value.toLowerCase();
  if (v === 'overwrite' || v === 'bluegreen') return v;
  if (v === 'bg') return 'bluegreen';
  throw new InvalidArgumentError('expected overwrite or bluegreen');
}

function parseSlice(value: string): string {
  const v = value.toLowerCase();
  if (v === 'blue' || v === 'green' || v === 'none') return v;
  throw new InvalidArgumentError('expected blue or green');
}

function parseStatuses(value: string): (DeploymentStatus | 'active')[] {
  const all: readonly string[] = [...DEPLOYMENT_STATES, 'active'];
  const states = value.split(',').map((s) => s.trim().toLowerCase());
  const bad = states.filter((s) => !all.includes(s));
  if (bad.length || states.length === 0) throw new InvalidArgumentError(`unknown state ${bad.map((s) => `'${s}'`).join(', ')}; valid: ${all.join(', ')}`);
  return states as (DeploymentStatus | 'active')[];
}

const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `90s`, `10m`, `1h`, `500ms`, or a number of seconds. */
export function parseDuration(value: string): Duration {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(value.trim());
  const ms = m?.[1] ? Number(m[1]) * (DURATION_MS[m[2] ?? 's'] ?? 1000) : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms < 1) throw new InvalidArgumentError('expected a duration such as 90s, 10m or 1h');
  return { ms, text: value.trim() };
}
