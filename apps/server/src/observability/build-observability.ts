import { randomUUID } from 'node:crypto';
import { DependencyUnavailableError } from '@envmgr/domain';
import type { ObservabilityHttpDeps } from '@envmgr/http';
import type { BlobStore, ConfigStore, Lock, Mailer, NotificationStore, Registry } from '@envmgr/ports';
import { createHealthProbe, type DependencyCheck } from './health.js';
import type { LogContext } from './logging.js';
import type { ServerMetrics } from './metrics.js';

/** What the health check probes: one cheap read of each dependency. */
export interface HealthTargets {
  store: ConfigStore;
  registry: Registry;
  blobs: BlobStore;
  /** The job lock as built (not the tracking wrapper: probing must not show up as a job holding its lock). */
  lock: Lock;
  notifications: NotificationStore;
  mailer?: Mailer | undefined;
}

/** The dependency checks of the health check (docs/observability.md#health). */
export function dependencyChecks(t: HealthTargets): DependencyCheck[] {
  const probeHolder = `health-${randomUUID().slice(0, 8)}`;
  const mailer = t.mailer;
  return [
    { name: 'store', probe: () => t.store.list('environments', { limit: 1 }) },
    { name: 'registry', probe: () => t.registry.kvGet('envmgr/health') },
    { name: 'blobs', probe: () => t.blobs.stat('health/probe') },
    {
      name: 'lock',
      probe: async () => {
        const lease = await t.lock.tryAcquire('health-probe', probeHolder, 5_000);
        if (lease.acquired) await t.lock.release('health-probe', probeHolder);
      },
    },
    { name: 'event-log', probe: () => t.notifications.lastSeq() },
    ...(mailer ? [{ name: 'smtp', critical: false, probe: () => smtpAnswers(mailer) }] : []),
  ];
}

async function smtpAnswers(mailer: Mailer): Promise<void> {
  if (!(await mailer.verify())) throw new DependencyUnavailableError('the SMTP server does not answer');
}

/** The HTTP layer's metrics, health and log context, as the composition root hands them over. */
export function observabilityHttpDeps(opts: {
  metrics: ServerMetrics | undefined;
  logContext: LogContext;
  targets: HealthTargets;
  timeoutMs: number;
  isReady: () => boolean;
}): ObservabilityHttpDeps {
  const { metrics } = opts;
  return {
    ...(metrics ? { observeRequest: (r) => metrics.observeRequest(r), metrics: () => metrics.render() } : {}),
    health: createHealthProbe(dependencyChecks(opts.targets), { timeoutMs: opts.timeoutMs, isReady: opts.isReady }),
    withLogContext: (fields, run) => opts.logContext.run(fields, run),
  };
}
