import { z } from 'zod';
import {
  DEPLOYMENT_STATES,
  DeploymentListSchema,
  DeploymentNodeSchema,
  DeploymentPlanSchema,
  DeploymentSchema,
  FINAL_DEPLOYMENT_STATES,
  type DeploymentDto,
  type DeploymentPlanDto,
  type DeploymentStatus,
  type DeploymentSummaryDto,
  type CanaryRequestDto,
} from '../deployments/deployment-schemas.js';
import { ApiError, CLIENT_ERROR_CODES } from './api-error.js';
import { openEventStream, sleep, type AbortSignalLike, type SseMessage, type StreamFetchLike } from './event-stream.js';
import { paginate } from './paging.js';
import { nextCursorOf, parseReply, type FetchLike, type Send } from './transport.js';
import type { ListPage, PagingOptions } from './types.js';

/** What to deploy where (`POST /api/v1/deployments`, SPEC §5). */
export interface DeploymentRequestInput {
  environment: string;
  service: string;
  version: string;
  /** `overwrite` (default), `bluegreen` or EM's `bg`. */
  mode?: string | undefined;
  /** `none` (overwrite; default), `blue` or `green` (bluegreen). */
  slice?: string | undefined;
  /** Needed only when several server roles of the deployment map run the service. */
  serverRole?: string | undefined;
  /** Ours: move traffic to the new slice in weight steps once it is installed (blue/green only). */
  canary?: CanaryRequestDto | undefined;
}

export interface DeploymentListQuery extends PagingOptions {
  environment?: string | undefined;
  service?: string | undefined;
  /** Any of these states; `active` stands for requested, provisioning and deploying. */
  status?: readonly (DeploymentStatus | 'active')[] | undefined;
  /** ISO date-time: only deployments requested at or after it. */
  since?: string | undefined;
}

/** A deployment's progress: the data of a `deployment.updated` event, or the same read from the deployment. */
export const DeploymentProgressSchema = z.object({
  id: z.string(),
  status: z.enum(DEPLOYMENT_STATES),
  environment: z.string(),
  service: z.string(),
  version: z.string(),
  reason: z.string().optional(),
  /** The newest line of the deployment's log (`[ISO time] text`); '' before the first. */
  lastLog: z.string(),
  nodes: z.array(DeploymentNodeSchema),
});
export type DeploymentProgress = z.infer<typeof DeploymentProgressSchema>;

const DeploymentEventSchema = z.object({ id: z.string(), type: z.string(), data: DeploymentProgressSchema });
const RolledBackSchema = DeploymentSchema.extend({ rolledBackFrom: z.string().optional() });
export type RolledBackDeploymentDto = z.infer<typeof RolledBackSchema>;

/** Where a progress report came from: the server-sent event stream, or a GET of the polling fallback. */
export type FollowSource = 'stream' | 'poll';

/**
 * Deployments (SPEC §5). Failures are ApiErrors; the codes a request can get are listed in docs/deployments.md
 * (e.g. `unknown-environment`, `package-not-found` 404; `deployment-in-progress` 409 with `activeDeploymentId`;
 * `deployments-locked` 423; `ambiguous-server-role` 422).
 */
export interface DeploymentsApi {
  /** Requests a deployment; the answer (202) is the stored deployment, state `requested`. */
  request(input: DeploymentRequestInput): Promise<DeploymentDto>;
  /** What a deployment would do, changing nothing. */
  dryRun(input: DeploymentRequestInput): Promise<DeploymentPlanDto>;
  /** One page of deployments, newest first. */
  list(query?: DeploymentListQuery): Promise<ListPage<DeploymentSummaryDto>>;
  /** Every deployment matching the query, page after page. */
  listAll(query?: DeploymentListQuery): AsyncGenerator<DeploymentSummaryDto, void, undefined>;
  /** One deployment with its nodes and log. Throws ApiError `not-found` (404). */
  get(id: string): Promise<DeploymentDto>;
  /** Cancels a deployment in progress. Throws ApiError `deployment-finished` (409) when it already ended. */
  cancel(id: string): Promise<DeploymentDto>;
  /** Deploys what deployment `id` deployed again, as a new deployment. */
  redeploy(id: string): Promise<DeploymentDto>;
  /** Deploys the previously successful version again. Throws ApiError `nothing-to-roll-back-to` (409). */
  rollback(input: { environment: string; service: string; slice?: string | undefined }): Promise<RolledBackDeploymentDto>;
  /**
   * Follows a deployment until it ends, calling `onEvent` with each change (the current state first). It reads the
   * server-sent events of `GET /api/v1/events?deployment=<id>`, reconnects with `Last-Event-ID` when the stream
   * drops, and polls `GET /api/v1/deployments/<id>` every second when the stream cannot be opened. Resolves to the
   * deployment once it has ended, or to undefined when `signal` aborts first (the deployment goes on).
   * Throws ApiError when the deployment cannot be read (e.g. `not-found`, 401).
   */
  follow(id: string, onEvent: (progress: DeploymentProgress, source: FollowSource) => void, signal?: AbortSignalLike): Promise<DeploymentDto | undefined>;
}

/** Timings of {@link DeploymentsApi.follow}. */
export interface FollowTiming {
  /** @default 1000 */
  pollIntervalMs: number;
  /** Pause before reconnecting a dropped stream. @default 1000 */
  reconnectDelayMs: number;
  /** A stream silent this long (no event, no heartbeat) counts as dropped. @default 45000 (3 heartbeats) */
  idleTimeoutMs: number;
  /**
   * A stream that has not said `ready` this long after it opened is not streaming (a proxy that buffers
   * `text/event-stream`): it polls instead. @default 5000
   */
  readyTimeoutMs: number;
  /** Drops in a row, without an event in between, after which it polls instead. @default 5 */
  maxReconnects: number;
  /** Failed reads in a row (unreachable, 5xx) tolerated while polling, as when the server restarts. @default 30 */
  maxReadFailures: number;
}

export const DEFAULT_FOLLOW_TIMING: FollowTiming = { pollIntervalMs: 1000, reconnectDelayMs: 1000, idleTimeoutMs: 45_000, readyTimeoutMs: 5000, maxReconnects: 5, maxReadFailures: 30 };

/** What the event stream needs besides `send`: the raw fetch and the client's headers (its token). */
export interface EventStreamOptions {
  baseUrl: string;
  fetch?: FetchLike | StreamFetchLike | undefined;
  headers: Record<string, string>;
}

const enc = encodeURIComponent;
const isFinal = (status: DeploymentStatus): boolean => FINAL_DEPLOYMENT_STATES.includes(status);

export function createDeploymentsApi(send: Send, stream: EventStreamOptions, timing: Partial<FollowTiming> = {}): { deployments: DeploymentsApi } {
  const t = { ...DEFAULT_FOLLOW_TIMING, ...timing };
  const get = async (id: string) => parseReply(await send({ method: 'GET', path: `deployments/${enc(id)}` }), DeploymentSchema);
  const list = async (q: DeploymentListQuery = {}): Promise<ListPage<DeploymentSummaryDto>> => {
    const query = { environment: q.environment, service: q.service, status: q.status?.join(','), since: q.since, limit: q.limit, cursor: q.cursor };
    const reply = await send({ method: 'GET', path: 'deployments', query });
    return { items: parseReply(reply, DeploymentListSchema).items, nextCursor: nextCursorOf(reply.headers), requestId: reply.requestId };
  };
  const body = (i: DeploymentRequestInput) => ({
    environment: i.environment,
    service: i.service,
    version: i.version,
    ...(i.mode !== undefined ? { mode: i.mode } : {}),
    ...(i.slice !== undefined ? { slice: i.slice } : {}),
    ...(i.serverRole !== undefined ? { serverRole: i.serverRole } : {}),
    ...(i.canary !== undefined ? { canary: i.canary } : {}),
  });
  const deployments: DeploymentsApi = {
    async request(input) {
      return parseReply(await send({ method: 'POST', path: 'deployments', body: body(input) }), DeploymentSchema);
    },
    async dryRun(input) {
      return parseReply(await send({ method: 'POST', path: 'deployments', body: { ...body(input), dryRun: true } }), DeploymentPlanSchema);
    },
    list,
    listAll: (query = {}) => paginate((cursor) => list({ ...query, cursor }), { label: 'GET deployments', firstCursor: query.cursor }),
    get,
    async cancel(id) {
      return parseReply(await send({ method: 'PATCH', path: `deployments/${enc(id)}`, body: { Status: 'Cancelled' } }), DeploymentSchema);
    },
    async redeploy(id) {
      return parseReply(await send({ method: 'POST', path: `deployments/${enc(id)}/redeploy` }), DeploymentSchema);
    },
    async rollback(input) {
      const req = { environment: input.environment, service: input.service, ...(input.slice !== undefined ? { slice: input.slice } : {}) };
      return parseReply(await send({ method: 'POST', path: 'rollbacks', body: req }), RolledBackSchema);
    },
    follow: (id, onEvent, signal) => follow({ id, onEvent, signal, get, stream, timing: t }),
  };
  return { deployments };
}

interface Following {
  id: string;
  onEvent: (progress: DeploymentProgress, source: FollowSource) => void;
  signal: AbortSignalLike | undefined;
  get: (id: string) => Promise<DeploymentDto>;
  stream: EventStreamOptions;
  timing: FollowTiming;
}

/** The progress view of a deployment read with GET. */
export function progressOf(d: DeploymentDto): DeploymentProgress {
  const { id, status, environment, service, version, reason, nodes, log } = d;
  return { id, status, environment, service, version, ...(reason !== undefined ? { reason } : {}), lastLog: log[log.length - 1] ?? '', nodes };
}

async function follow(f: Following): Promise<DeploymentDto | undefined> {
  let last = '';
  const report = (p: DeploymentProgress, source: FollowSource) => {
    // the log URLs of a GET are not in events: compare without them, so a source switch reports no false change
    const key = JSON.stringify({ ...p, nodes: p.nodes.map(({ log: _log, ...n }) => n) });
    if (key === last) return;
    last = key;
    f.onEvent(p, source);
  };
  const read = readTolerantly(f);
  const fromStream = await followStream(f, read, report);
  if (fromStream !== 'cannot-stream') return fromStream;
  for (;;) {
    if (f.signal?.aborted) return undefined;
    const d = await read();
    if (d === undefined) return undefined;
    report(progressOf(d), 'poll');
    if (isFinal(d.status)) return d;
    await sleep(f.timing.pollIntervalMs, f.signal);
  }
}

/** GET of the deployment that rides out a server restart: unreachable and 5xx are retried, up to a limit. */
function readTolerantly(f: Following): () => Promise<DeploymentDto | undefined> {
  return async () => {
    for (let failures = 0; ; failures++) {
      if (f.signal?.aborted) return undefined;
      try {
        return await f.get(f.id);
      } catch (err) {
        const transient = err instanceof ApiError && (err.code === CLIENT_ERROR_CODES.unreachable || err.status >= 500 || err.status === 429);
        if (!transient || failures >= f.timing.maxReadFailures) throw err;
        await sleep(f.timing.pollIntervalMs, f.signal);
      }
    }
  };
}

/**
 * Follows the event stream, reconnecting with `Last-Event-ID`. After each (re)connection's `ready` event it reads
 * the deployment once, so nothing that happened while it was not listening is missed.
 */
async function followStream(
  f: Following,
  read: () => Promise<DeploymentDto | undefined>,
  report: (p: DeploymentProgress, source: FollowSource) => void,
): Promise<DeploymentDto | undefined | 'cannot-stream'> {
  const url = `${f.stream.baseUrl.replace(/\/+$/, '')}/api/v1/events?deployment=${enc(f.id)}`;
  const fetch: StreamFetchLike = f.stream.fetch ?? globalFetch();
  let lastEventId: string | undefined;
  for (let drops = 0; drops <= f.timing.maxReconnects; ) {
    if (f.signal?.aborted) return undefined;
    const { idleTimeoutMs, readyTimeoutMs } = f.timing;
    const opened = await openEventStream(fetch, { url, headers: f.stream.headers, lastEventId, signal: f.signal, idleTimeoutMs, firstChunkTimeoutMs: readyTimeoutMs });
    if (!opened.ok) return 'cannot-stream';
    let ready = false;
    for await (const m of opened.messages) {
      if (m.id !== undefined) lastEventId = m.id;
      if (m.event === 'ready') ready = true;
      const progress = m.event === 'ready' ? undefined : eventProgress(m, f.id);
      if (m.event !== 'ready' && progress === null) continue;
      // only news of the deployment proves the stream works; a stream that opens and drops at once ends in polling
      if (m.event !== 'ready') drops = 0;
      if (progress && !isFinal(progress.status)) {
        report(progress, 'stream');
        continue;
      }
      // `ready`, the end, or an event that breaks the contract: the deployment itself says where it stands
      const d = await read();
      if (d === undefined) return undefined;
      report(progressOf(d), 'stream');
      if (isFinal(d.status)) return d;
    }
    if (f.signal?.aborted) return undefined;
    if (!ready) return 'cannot-stream';
    drops++;
    await sleep(f.timing.reconnectDelayMs, f.signal);
  }
  return 'cannot-stream';
}

/** A `deployment.updated` event of this deployment; null for other events; undefined for one it cannot parse. */
function eventProgress(m: SseMessage, id: string): DeploymentProgress | null | undefined {
  if (m.event !== 'deployment.updated') return null;
  let json: unknown;
  try {
    json = JSON.parse(m.data);
  } catch {
    return undefined;
  }
  const parsed = DeploymentEventSchema.safeParse(json);
  if (!parsed.success) return undefined;
  return parsed.data.data.id === id ? parsed.data.data : null;
}

function globalFetch(): StreamFetchLike {
  const g = globalThis as { fetch?: StreamFetchLike };
  return (url, init) => (g.fetch ? g.fetch.call(globalThis, url, init) : Promise.reject(new TypeError('this runtime has no global fetch; pass `fetch` to createClient')));
}
