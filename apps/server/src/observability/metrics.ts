import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DeliveryPassResult } from '@envmgr/app';
import type { RequestObservation } from '@envmgr/http';
import type { Compute, DeploymentStore, EventBus, NotificationStore, ScheduleActionLog } from '@envmgr/ports';

/** What the metrics read when scraped (gauges are read then, not kept up to date). */
export interface MetricsSources {
  compute: Compute;
  notifications: NotificationStore;
  /** The jobs' lock holding, by job name (`trackLocks`). */
  heldLocks: () => ReadonlyMap<string, boolean>;
  /** Blocking reads waiting in the registry, when the registry can tell. */
  registryBlockingQueries?: () => number;
}

export interface ServerMetrics {
  registry: Registry;
  observeRequest(r: RequestObservation): void;
  /** Counts deployments by outcome and their durations, from the deployment events on the bus; returns the unsubscribe. */
  followDeployments(bus: EventBus, deployments: DeploymentStore): () => void;
  /** Records a delivery pass of the notifier (deliveries by result, lag from event to delivery). */
  observeDeliveryPass(r: DeliveryPassResult): void;
  /** Wraps the scheduler's action log so that every action it records is counted. */
  countScheduleActions(log: ScheduleActionLog): ScheduleActionLog;
  /** Sets what the scrape-time gauges read (compute is bound after the server is composed). */
  bind(sources: MetricsSources): void;
  render(): Promise<{ contentType: string; body: string }>;
}

const ENDED = new Set(['succeeded', 'failed', 'cancelled']);
const FAST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SLOW_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];

/** EM's Prometheus metrics (docs/observability.md lists them); one registry per server, never the global one. */
export function createServerMetrics(opts: { defaultMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'envmgr_' });
  let sources: MetricsSources | undefined;
  const on = { registers: [registry] };
  const requests = new Counter({ name: 'envmgr_http_requests_total', help: 'HTTP requests by method, route template and status', labelNames: ['method', 'route', 'status'], ...on });
  const latency = new Histogram({ name: 'envmgr_http_request_duration_seconds', help: 'HTTP request latency by method and route template', labelNames: ['method', 'route'], buckets: FAST_BUCKETS, ...on });
  const deployments = new Counter({ name: 'envmgr_deployments_total', help: 'Deployments requested and ended, by outcome', labelNames: ['outcome'], ...on });
  const deploymentSeconds = new Histogram({ name: 'envmgr_deployment_duration_seconds', help: 'Time from request to end of deployments, by outcome', labelNames: ['outcome'], buckets: SLOW_BUCKETS, ...on });
  const scheduleActions = new Counter({ name: 'envmgr_scheduler_actions_total', help: 'Actions the scheduler took, by action and outcome', labelNames: ['action', 'outcome'], ...on });
  const deliveries = new Counter({ name: 'envmgr_event_deliveries_total', help: 'Notification delivery attempts by result (delivered, failed: retried later, dead)', labelNames: ['result'], ...on });
  const lag = new Histogram({ name: 'envmgr_event_delivery_lag_seconds', help: 'Time from an event to its delivery', buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600], ...on });
  new Gauge({
    name: 'envmgr_instances', help: 'Instances by state', labelNames: ['state'], ...on,
    async collect() {
      this.reset();
      const list = await sources?.compute.listInstances({ states: ['pending', 'running', 'stopping', 'stopped'] }).catch(() => undefined);
      for (const i of list ?? []) this.inc({ state: i.state });
    },
  });
  new Gauge({
    name: 'envmgr_job_lock_held', help: '1 when this process holds the job lock of a job (runs that job)', labelNames: ['job'], ...on,
    collect() {
      this.reset();
      for (const [job, held] of sources?.heldLocks() ?? []) this.set({ job }, held ? 1 : 0);
    },
  });
  new Gauge({
    name: 'envmgr_event_deliveries', help: 'Notification deliveries by state (pending ones wait or retry; dead ones need a redeliver)', labelNames: ['state'], ...on,
    async collect() {
      this.reset();
      const counts = await sources?.notifications.countDeliveries().catch(() => undefined);
      for (const [state, n] of Object.entries(counts ?? {})) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'envmgr_event_log_backlog', help: 'Events recorded but not yet routed to subscriptions', ...on,
    async collect() {
      const n = sources ? await Promise.all([sources.notifications.lastSeq(), sources.notifications.cursor('fanout')]).catch(() => undefined) : undefined;
      this.set(n ? Math.max(0, n[0] - n[1]) : 0);
    },
  });
  new Gauge({
    name: 'envmgr_registry_blocking_queries', help: 'Blocking registry reads waiting (agents and the driver long-polling)', ...on,
    collect() {
      this.set(sources?.registryBlockingQueries?.() ?? 0);
    },
  });
  return {
    registry,
    observeRequest(r) {
      requests.inc({ method: r.method, route: r.route, status: String(r.status) });
      latency.observe({ method: r.method, route: r.route }, r.seconds);
    },
    followDeployments(bus, store) {
      return bus.subscribe((e) => {
        const status = e.type === 'deployment.updated' ? e.data['status'] : undefined;
        const id = e.data['id'];
        if (typeof status !== 'string' || typeof id !== 'string') return;
        if (status === 'requested') deployments.inc({ outcome: 'requested' });
        if (!ENDED.has(status)) return;
        deployments.inc({ outcome: status });
        // the record knows when it was requested, also when the request came before a restart
        void store.get(id).then(
          (d) => d?.record.endedAtMs !== undefined && deploymentSeconds.observe({ outcome: status }, (d.record.endedAtMs - d.record.requestedAtMs) / 1000),
          () => undefined,
        );
      });
    },
    observeDeliveryPass(r) {
      if (r.delivered) deliveries.inc({ result: 'delivered' }, r.delivered);
      if (r.failed) deliveries.inc({ result: 'failed' }, r.failed);
      if (r.dead) deliveries.inc({ result: 'dead' }, r.dead);
      for (const ms of r.lagsMs) lag.observe(ms / 1000);
    },
    countScheduleActions(log) {
      return {
        list: (q) => log.list(q),
        latestBefore: (q) => log.latestBefore(q),
        prune: (ms) => log.prune(ms),
        close: () => log.close(),
        async append(records) {
          await log.append(records);
          for (const r of records) scheduleActions.inc({ action: r.action, outcome: r.outcome });
        },
      };
    },
    bind(s) {
      sources = s;
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
