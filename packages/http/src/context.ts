import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Actor } from '@envmgr/domain';
import type { BackupDeps, ComputeDataFreshness, ConfigDeps, IdentityDeps, NotificationDeps, ReplicationDeps, ReplicationJob, RequestContext } from '@envmgr/app';
import type { Compute, DeploymentStore, EventBus, IdSource, Registry } from '@envmgr/ports';
import type { Context } from 'hono';
import type { PackagesHttpDeps } from './packages/packages-http-deps.js';
import type { SchedulingHttpDeps } from './scheduling/schedule-http-deps.js';
import type { ObservabilityHttpDeps } from './observability/observability-deps.js';
import type { TraceContext } from './observability/trace-context.js';

/** The slice of a structured logger (pino's shape) the HTTP layer writes to. */
export interface HttpLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface HttpDeps {
  config: ConfigDeps;
  ids: IdSource;
  logger: HttpLogger;
  identity: IdentityDeps;
  /** Packages and deployment logs (SPEC §5–6); without it those routes are not served. */
  packages?: PackagesHttpDeps;
  /** Deployments, groups, instances, target state and events (SPEC §5, §11); without it those routes are not served. */
  runtime?: RuntimeHttpDeps;
  /** The scheduler's action log and accounts (SPEC §8); without it the savings report is not served. */
  scheduling?: SchedulingHttpDeps;
  /** Replaces credential checking (tests). @default bearer token or session cookie, through `identity` */
  authenticate?: (c: Context) => Promise<Actor>;
  /** The client's address, for sign-in throttling and security events. */
  clientAddress?: (c: Context) => string | undefined;
  /**
   * The folder of the built web UI (apps/web/dist), served at `/` with `index.html` for client routes.
   * @default none: only the API and /docs are served
   */
  webRoot?: string;
  /** Largest accepted request body. @default 5 MiB */
  maxBodyBytes?: number;
  /** Largest accepted import body. @default 256 MiB */
  maxImportBytes?: number;
  /** Subscriptions, deliveries and dead letters (docs/notifications.md); without it those routes are not served. */
  notifications?: NotificationDeps;
  /** Starts a delivery pass now (after a redelivery) instead of at the next interval. */
  wakeNotifier?: () => void;
  /** Backups under `backups/` of the blob store (docs/backup-and-replication.md); without it those routes are not served. */
  backup?: BackupDeps;
  /** Replication to child accounts and its job (docs/backup-and-replication.md); without it those routes are not served. */
  replication?: { deps: ReplicationDeps; job: ReplicationJob };
  /** Metrics, dependency health and per-request log context (docs/observability.md); without it none of them. */
  observability?: ObservabilityHttpDeps;
}

/** What the deployment, environment-operation and read-side routes need besides the configuration. */
export interface RuntimeHttpDeps {
  /** Groups and instances. In embedded mode it answers 503 until local compute has started. */
  compute: Compute;
  /** The registry of the environments: target state (KV), catalog and health. */
  registry: Registry;
  deployments: DeploymentStore;
  events: EventBus;
  /** Ids of new deployments. @default the request ids' source */
  deploymentIds?: IdSource;
  /** Wakes the deployment driver at once after a request or a cancel, instead of at its next tick. */
  wakeDriver?: () => void;
  /**
   * A cache of the estate's groups and instances (AWS, docs/aws.md#inventory) for the servers view, with each
   * account's freshness. @default none: the servers view reads `compute`
   */
  inventory?: { compute: Compute; freshness(): readonly ComputeDataFreshness[] };
}

export interface AppEnv {
  Variables: { requestId: string; actor: Actor; trace?: TraceContext | undefined };
}

export type App = OpenAPIHono<AppEnv>;

export function requestContext(c: Context<AppEnv>): RequestContext {
  return { actor: c.get('actor'), requestId: c.get('requestId') };
}

export const SESSION_COOKIE = 'environmentmanager';

/**
 * A JSON response with explicit headers. Bodies are stored items that were validated when written, so they are
 * sent as they are; the cast lets a hand-built Response stand where a typed route expects its typed response.
 */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): never {
  return raw(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } }));
}

export function raw(response: Response): never {
  return response as never;
}
