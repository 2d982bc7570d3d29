import { ApiError, type DeploymentDto, type DeploymentPlanDto, type DeploymentProgress, type DeploymentSummaryDto } from '@envmgr/api-contract';
import { quoteArg } from './failure.js';
import { cell, shortTime, table } from './output.js';

type Node = DeploymentProgress['nodes'][number];

/** `Hello 1.1.0 to dev1`, the words every deployment line uses. */
export const what = (d: { service: string; version: string; environment: string }): string => `${d.service} ${d.version} to ${d.environment}`;

/** `overwrite`, or `bluegreen, slice blue`; with the server role. */
const howOf = (d: { mode: string; slice: string; serverRole: string }): string =>
  `${d.mode}${d.slice !== 'none' ? `, slice ${d.slice}` : ''}, server role ${d.serverRole}`;

/** The URL of a deployment in the API. */
export const deploymentUrl = (server: string, id: string): string => `${server}/api/v1/deployments/${encodeURIComponent(id)}`;

/** What `deploy`, `redeploy` and `rollback` print once the server accepted the deployment. */
export function acceptedLines(d: DeploymentDto, server: string): string[] {
  return [`deployment ${d.id} requested: ${what(d)} (${howOf(d)})`, deploymentUrl(server, d.id)];
}

/** A dry run's plan: nothing was changed. */
export function planLines(p: DeploymentPlanDto): string[] {
  const size = p.group.size;
  const rows = [
    ['server role', `${p.serverRole}${p.runtimeServerRole !== p.serverRole ? ` (runs as ${p.runtimeServerRole})` : ''}, cluster ${p.owningCluster}`],
    ['mode', `${p.mode}${p.slice !== 'none' ? `, slice ${p.slice}` : ''}`],
    ['group', `${p.group.name}: ${p.group.action === 'create' ? 'would be created' : 'exists, used as it is'} (min ${size.min}, desired ${size.desired}, max ${size.max})`],
    ['instances', String(p.expectedInstances)],
    ['package', p.packagePath],
    ['registry service', p.consulServiceName],
  ];
  return [
    `dry run: nothing was changed. Deploying ${what(p)} would do this:`,
    ...rows.map(([k, v]) => `  ${(k ?? '').padEnd(17)}${v ?? ''}`),
    `  target state     ${p.targetState.length} registry key${p.targetState.length === 1 ? '' : 's'}, written in this order:`,
    ...p.targetState.map((w) => `    ${w.key}`),
    'run it again without --dry-run to deploy',
  ];
}

/** The row of `envmgr deployments`. */
export function summaryRow(d: DeploymentSummaryDto): string[] {
  return [d.id, d.service, d.version, d.environment, d.status, shortTime(d.requestedAt), d.requestedBy ?? ''];
}
export const SUMMARY_HEADERS = ['ID', 'SERVICE', 'VERSION', 'ENV', 'STATUS', 'REQUESTED', 'BY'];

/** How many instances are where: `2/3 succeeded, 1 failed`. */
export function tally(nodes: readonly Node[]): string {
  const count = (s: Node['status']) => nodes.filter((n) => n.status === s).length;
  const parts = [`${count('Success')}/${nodes.length} succeeded`];
  if (count('Failed')) parts.push(`${count('Failed')} failed`);
  if (count('In Progress')) parts.push(`${count('In Progress')} in progress`);
  return parts.join(', ');
}

/** The instances as a table (indented by `indent`). */
export function nodeTable(nodes: readonly Node[], indent = ''): string[] {
  const rows = nodes.map((n) => [n.instanceId, n.status, n.inService ? 'yes' : 'no', n.lastCompletedStage || '-', n.health ?? '', n.failedStage ?? '']);
  return table(['INSTANCE', 'STATUS', 'IN SERVICE', 'LAST STAGE', 'HEALTH', 'FAILED STAGE'], rows).map((l) => indent + l);
}

/** Each failed instance with its reason and where its log is. */
export function failedNodeLines(nodes: readonly Node[]): string[] {
  return nodes
    .filter((n) => n.status === 'Failed')
    .flatMap((n) => [
      `  ${n.instanceId} failed${n.failedStage ? ` at ${n.failedStage}` : ''}${n.errorReason ? `: ${n.errorReason}` : ''}`,
      ...(n.log ? [`    log: ${n.log}`] : []),
    ]);
}

/** `envmgr deployment <id>`: the record, its instances, and why it failed. */
export function detailLines(d: DeploymentDto): string[] {
  const rows = [
    ['deployment', d.id],
    ['status', d.status],
    ['service', `${d.service} ${d.version}`],
    ['environment', `${d.environment} (type ${d.environmentType}, cluster ${d.owningCluster})`],
    ['mode', howOf(d)],
    ['group', d.group],
    ['requested', `${shortTime(d.requestedAt)}${d.requestedBy ? ` by ${d.requestedBy}` : ''}`],
    ...(d.endedAt ? [['ended', shortTime(d.endedAt)]] : []),
    ...(d.reason ? [['reason', d.reason]] : []),
  ];
  const nodes = d.nodes.length ? ['', `instances: ${tally(d.nodes)}`, ...nodeTable(d.nodes, '  '), ...failedNodeLines(d.nodes)] : ['', 'instances: none yet'];
  return [...rows.map(([k, v]) => `${(k ?? '').padEnd(13)}${cell(v)}`), ...nodes];
}

/**
 * What to do about a refused deployment command, by the problem's code: the exact command to run next where there
 * is one. Empty for other errors (the usual report covers them).
 */
export function deploymentHints(err: unknown, req: { service?: string | undefined; environment?: string | undefined; id?: string | undefined }): string[] {
  if (!(err instanceof ApiError)) return [];
  const p: Readonly<Record<string, unknown>> = err.problem ?? {};
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const svc = req.service !== undefined ? quoteArg(req.service) : '<service>';
  const env = req.environment !== undefined ? quoteArg(req.environment) : '<env>';
  switch (err.code) {
    case 'deployment-in-progress': {
      const active = text(p['activeDeploymentId']) ?? '<id>';
      return [`hint: deployment ${active} has not ended: follow it with \`envmgr deployment ${active}\`, or cancel it with \`envmgr cancel ${active}\`, then retry`];
    }
    case 'deployments-locked':
      return [`hint: deployments to ${env} are locked${text(p['lockedBy']) ? ` by ${text(p['lockedBy'])}` : ''}; once it may be deployed again, \`envmgr unlock ${env}\``];
    case 'package-not-found':
      return [`hint: upload it with \`envmgr package upload ${svc} <version> <file-or-dir>\`; \`envmgr package list ${svc}\` shows the stored versions`];
    case 'unknown-environment':
      return ['hint: see the environments with `envmgr config list environments` (names ignore case)'];
    case 'unknown-service':
      return ['hint: see the services with `envmgr config list services` (names ignore case)'];
    case 'ambiguous-server-role':
    case 'unknown-server-role':
      return ['hint: pass --role <server role> with one of the roles the message names'];
    case 'slice-required':
    case 'fleet-per-slice-needs-slice':
      return ['hint: a blue/green deployment needs --slice blue or --slice green'];
    case 'slice-not-allowed':
      return ['hint: an overwrite deployment has no slice: drop --slice, or pass --mode bluegreen'];
    case 'deployment-finished':
      return [`hint: it has already ended; see it with \`envmgr deployment ${req.id ?? '<id>'}\``];
    case 'nothing-to-roll-back-to':
      return [`hint: see what was deployed with \`envmgr deployments --env ${env} --service ${svc}\`, then \`envmgr deploy ${svc} <version> --env ${env}\``];
    case 'not-found':
      return req.id !== undefined ? ['hint: `envmgr deployments` lists the recent deployments and their ids'] : [];
    default:
      return [];
  }
}
