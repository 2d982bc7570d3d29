import type { Command } from 'commander';
import type { DeliveryDto, SubscriptionDto, SubscriptionRequest } from '@envmgr/api-contract';
import type { Context } from './context.js';
import { UsageError } from './failure.js';
import { toJson } from './output.js';

const JSON_HELP = "print the server's answer as JSON";
const list = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : undefined);

function line(s: SubscriptionDto): string {
  const target = s.channel.kind === 'webhook' ? s.channel.url : `email ${s.channel.to?.join(',') ?? '(owners)'}`;
  const filters = [s.environments?.length ? `env=${s.environments.join(',')}` : '', s.clusters?.length ? `cluster=${s.clusters.join(',')}` : ''].filter(Boolean).join(' ');
  return `${s.id}  v${s.version}  ${s.enabled ? 'on ' : 'off'}  ${s.eventTypes.join(',')}  ${filters ? `${filters}  ` : ''}${target}  (${s.name})`;
}

const deliveryLine = (d: DeliveryDto) =>
  `${d.id}  ${d.state}  ${d.eventType}  tries=${d.attempts}${d.lastError ? `  last error: ${d.lastError}` : ''}`;

interface AddOptions { name: string; events: string; env?: string; cluster?: string; webhook?: string; email?: string | boolean; json?: boolean }

function request(o: AddOptions): SubscriptionRequest {
  if (!o.webhook === !o.email) throw new UsageError('give exactly one channel: --webhook <url> or --email [addresses] (without addresses: the environment owners)');
  const events = list(o.events) ?? [];
  return {
    name: o.name,
    eventTypes: events,
    ...(list(o.env) ? { environments: list(o.env) } : {}),
    ...(list(o.cluster) ? { clusters: list(o.cluster) } : {}),
    channel: o.webhook ? { kind: 'webhook', url: o.webhook } : { kind: 'email', ...(typeof o.email === 'string' ? { to: list(o.email) } : {}) },
  };
}

/** `envmgr subscriptions …`: who is told about which events (docs/notifications.md). */
export function registerSubscriptionCommands(program: Command, ctx: Context): void {
  const subs = program.command('subscriptions').description('subscriptions to EM events: webhooks and email, deliveries and dead letters');

  subs.command('list').description('every subscription').option('--json', JSON_HELP).action(async (o: { json?: boolean }, cmd: Command) => {
    const all = await (await ctx.client(cmd)).subscriptions();
    if (o.json) return ctx.write(toJson(all));
    if (all.length === 0) return ctx.out('no subscriptions; add one with: envmgr subscriptions add');
    for (const s of all) ctx.out(line(s));
  });

  subs.command('add').description('subscribe a webhook or email to events; a webhook\'s signing secret is printed once')
    .requiredOption('--name <name>', 'what it is for')
    .requiredOption('--events <types>', 'event types, comma-separated: deployment.failed, deployment.*, *')
    .option('--env <environments>', 'only these environments, comma-separated')
    .option('--cluster <clusters>', 'only environments of these clusters, comma-separated')
    .option('--webhook <url>', 'post signed JSON to this http(s) URL')
    .option('--email [addresses]', 'send email; without addresses, to the environment owners')
    .option('--json', JSON_HELP)
    .action(async (o: AddOptions, cmd: Command) => {
      const created = await (await ctx.client(cmd)).createSubscription(request(o));
      if (o.json) return ctx.write(toJson(created));
      ctx.out(`created ${line(created.subscription)}`);
      if (created.secret) ctx.out(`signing secret (shown once; verify X-EM-Signature with it): ${created.secret}`);
    });

  subs.command('remove').description('delete a subscription and its queued deliveries').argument('<id>').action(async (id: string, _o: unknown, cmd: Command) => {
    const client = await ctx.client(cmd);
    const current = await client.subscription(id);
    await client.deleteSubscription(id, current.version);
    ctx.out(`deleted subscription ${id}`);
  });

  subs.command('deliveries').description('deliveries, oldest first; --dead lists the dead letters')
    .option('--dead', 'only dead-lettered deliveries')
    .option('--subscription <id>', 'only this subscription\'s')
    .option('--json', JSON_HELP)
    .action(async (o: { dead?: boolean; subscription?: string; json?: boolean }, cmd: Command) => {
      const all = await (await ctx.client(cmd)).deliveries({ ...(o.dead ? { state: 'dead' as const } : {}), ...(o.subscription ? { subscription: o.subscription } : {}) });
      if (o.json) return ctx.write(toJson(all));
      if (all.length === 0) return ctx.out(o.dead ? 'no dead letters' : 'no deliveries');
      for (const d of all) ctx.out(deliveryLine(d));
    });

  subs.command('redeliver').description('put a dead-lettered delivery back in its subscription\'s queue').argument('<delivery-id>').action(async (id: string, _o: unknown, cmd: Command) => {
    const d = await (await ctx.client(cmd)).redeliver(id);
    ctx.out(`queued again: ${deliveryLine(d)}`);
  });
}
