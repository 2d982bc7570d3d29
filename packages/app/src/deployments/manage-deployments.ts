import { cancel, isTerminal, NotFoundError, RefusedError, VersionConflictError, type Deployment } from '@envmgr/domain';
import type { DeploymentCursor, DeploymentListQuery, StoredDeployment } from '@envmgr/ports';
import { requireSignedIn } from '../identity/access.js';
import type { RequestContext } from '../context.js';
import type { DeploymentDeps } from './deployment-deps.js';
import { publishDeployment } from './deployment-events.js';
import { execute } from './execute.js';
import { authorizeDeployment, refusalError, requestDeployment, type DeploymentRequestResult } from './request-deployment.js';

/** One deployment as stored. @throws NotFoundError */
export async function getDeployment(deps: Pick<DeploymentDeps, 'deployments'>, ctx: RequestContext, id: string): Promise<StoredDeployment<Deployment>> {
  requireSignedIn(ctx.actor);
  const found = await deps.deployments.get(id);
  if (!found) throw new NotFoundError('deployment', id);
  return found;
}

export interface DeploymentFilter {
  environment?: string | undefined;
  service?: string | undefined;
  /** Deployment states; any when omitted. */
  states?: readonly string[] | undefined;
  sinceMs?: number | undefined;
  before?: DeploymentCursor | undefined;
  limit: number;
}

/** Deployments newest first, one page; `next` is where the following page starts. */
export async function listDeployments(
  deps: Pick<DeploymentDeps, 'deployments'>,
  ctx: RequestContext,
  f: DeploymentFilter,
): Promise<{ items: StoredDeployment<Deployment>[]; next?: DeploymentCursor }> {
  requireSignedIn(ctx.actor);
  const query: DeploymentListQuery = { limit: f.limit + 1 };
  if (f.environment) query.environment = f.environment;
  if (f.service) query.service = f.service;
  if (f.states) query.states = f.states;
  if (f.sinceMs !== undefined) query.sinceMs = f.sinceMs;
  if (f.before) query.before = f.before;
  const found = await deps.deployments.list(query);
  const items = found.slice(0, f.limit);
  const last = items[items.length - 1];
  return found.length > f.limit && last ? { items, next: { requestedAtMs: last.record.requestedAtMs, id: last.record.id } } : { items };
}

/**
 * Cancels a deployment in progress (SPEC §5 "Cancel"), authorised like the request (PATCH on the deployment, the
 * record's cluster and environment type). Instances keep what they installed; the role key turns to Ignore.
 * @throws NotFoundError, ForbiddenError, RefusedError `deployment-finished` (409)
 */
export async function cancelDeployment(deps: DeploymentDeps, ctx: RequestContext, id: string): Promise<Deployment> {
  for (let attempt = 0; ; attempt += 1) {
    const stored = await getDeployment(deps, ctx, id);
    authorizeDeployment(ctx.actor, stored.record.plan, 'PATCH', `/deployments/${id}`);
    const result = cancel(stored.record, deps.clock.now(), { by: ctx.actor.name });
    if (!result.ok) throw refusalError(result);
    try {
      // saved first: once cancelled, the driver leaves it alone, so the commands below cannot race with it
      const saved = await deps.deployments.update(result.next, stored.version);
      for (const c of result.commands) await execute(deps, c);
      publishDeployment(deps, saved.record);
      return saved.record;
    } catch (err) {
      // the driver saved a step in between: cancel the newer record
      if (!(err instanceof VersionConflictError) || attempt >= 5) throw err;
    }
  }
}

/** Deploys what a past deployment deployed again, as a new deployment (new id; agents reinstall). */
export async function redeploy(deps: DeploymentDeps, ctx: RequestContext, id: string, opts: { dryRun?: boolean } = {}): Promise<DeploymentRequestResult> {
  const { record } = await getDeployment(deps, ctx, id);
  const r = record.request;
  return requestDeployment(deps, ctx, { environment: r.environment, service: r.service, version: r.version, mode: r.mode, slice: r.slice, serverRole: record.plan.serverRole, ...(opts.dryRun ? { dryRun: true } : {}) });
}

/**
 * Deploys the version that succeeded before the current one: the newest succeeded deployment of the service to the
 * environment (on the same slice, when given) names the current version; the newest succeeded one of another
 * version is deployed again. @throws RefusedError `nothing-to-roll-back-to` (409) when there is none
 */
export async function rollback(
  deps: DeploymentDeps,
  ctx: RequestContext,
  req: { environment: string; service: string; slice?: string | undefined; dryRun?: boolean | undefined },
): Promise<DeploymentRequestResult & { rolledBackFrom?: string }> {
  requireSignedIn(ctx.actor);
  const succeeded = await succeededHistory(deps, req.environment, req.service, req.slice);
  const [current] = succeeded;
  const previous = current && succeeded.find((d) => d.plan.version !== current.plan.version);
  if (!current || !previous) {
    const why = current ? `every successful deployment was of version ${current.plan.version}` : 'it has no successful deployment';
    throw new RefusedError('conflict', 'nothing-to-roll-back-to', `cannot roll back ${req.service} in ${req.environment}: ${why}`, { environment: req.environment, service: req.service });
  }
  const p = previous.request;
  const result = await requestDeployment(deps, ctx, { environment: p.environment, service: p.service, version: p.version, mode: p.mode, slice: p.slice, serverRole: previous.plan.serverRole, ...(req.dryRun ? { dryRun: true } : {}) });
  return { ...result, rolledBackFrom: current.plan.version };
}

async function succeededHistory(deps: Pick<DeploymentDeps, 'deployments'>, environment: string, service: string, slice: string | undefined): Promise<Deployment[]> {
  const out: Deployment[] = [];
  let before: DeploymentCursor | undefined;
  // the configuration's spelling is stored; compare ignoring case as requests do
  const env = environment.toLowerCase();
  const svc = service.toLowerCase();
  for (let page = 0; page < 50; page += 1) {
    const found = await deps.deployments.list({ states: ['succeeded'], limit: 200, ...(before ? { before } : {}) });
    for (const s of found) {
      const d = s.record;
      if (d.plan.environment.toLowerCase() === env && d.plan.service.toLowerCase() === svc && (slice === undefined || d.plan.slice === slice)) out.push(d);
    }
    const last = found[found.length - 1];
    if (found.length < 200 || !last || out.length >= 2) return out.filter((d) => isTerminal(d.state));
    before = { requestedAtMs: last.record.requestedAtMs, id: last.record.id };
  }
  return out;
}
