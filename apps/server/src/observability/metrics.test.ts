import { describe, expect, it } from 'vitest';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { createInProcessEventBus, createInProcessLock, createMemoryCompute } from '@envmgr/adapter-memory';
import { createMemoryNotificationStore, type DeploymentStore, type ScheduleActionLog } from '@envmgr/ports';
import { createServerMetrics } from './metrics.js';
import { trackLocks } from './lock-tracking.js';

function value(text: string, name: string, labels: Record<string, string> = {}): number {
  const family = parsePrometheusTextFormat(text).find((f) => f.name === name);
  const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return Number(sample?.value ?? sample?.count ?? 0);
}

describe('server metrics', () => {
  it('renders text that parses, with requests by route template, deployments, deliveries, schedule actions and locks', async () => {
    const metrics = createServerMetrics({ defaultMetrics: false });
    const bus = createInProcessEventBus({ now: () => 0 });
    const record = { requestedAtMs: 1_000, endedAtMs: 91_000 };
    const store = { get: async (id: string) => (id === 'd1' ? { record, version: 3 } : undefined) } as unknown as DeploymentStore;
    metrics.followDeployments(bus, store);
    const tracked = trackLocks(createInProcessLock({ clock: { now: () => 0 } }));
    await tracked.lock.tryAcquire('deployment-driver', 'me', 1000);
    await tracked.lock.tryAcquire('scheduler', 'other', 1000);
    await tracked.lock.release('scheduler', 'other');
    metrics.bind({ compute: createMemoryCompute(), notifications: createMemoryNotificationStore(), heldLocks: tracked.held });
    const log = metrics.countScheduleActions({ append: async () => {} } as unknown as ScheduleActionLog);

    const before = (await metrics.render()).body;
    expect(value(before, 'envmgr_deployments_total', { outcome: 'failed' })).toBe(0);
    metrics.observeRequest({ method: 'GET', route: '/api/v1/deployments/:id', status: 200, seconds: 0.02 });
    metrics.observeRequest({ method: 'GET', route: '/api/v1/deployments/:id', status: 200, seconds: 0.03 });
    bus.publish({ type: 'deployment.updated', subject: {}, data: { id: 'd1', status: 'requested' } });
    bus.publish({ type: 'deployment.updated', subject: {}, data: { id: 'd1', status: 'deploying' } });
    bus.publish({ type: 'deployment.updated', subject: {}, data: { id: 'd1', status: 'failed' } });
    metrics.observeDeliveryPass({ delivered: 2, failed: 1, dead: 0, lagsMs: [150, 2500] });
    await log.append([{ action: 'switchOff', outcome: 'done' }, { action: 'switchOn', outcome: 'failed' }] as unknown as Parameters<ScheduleActionLog['append']>[0]);
    await new Promise((r) => setTimeout(r, 20)); // the deployment's duration is read from its record

    const { body, contentType } = await metrics.render();
    expect(contentType).toContain('text/plain');
    expect(value(body, 'envmgr_http_requests_total', { route: '/api/v1/deployments/:id', status: '200' })).toBe(2);
    // the parser keeps only a histogram's buckets, so its count is read from the text
    expect(body).toContain('envmgr_http_request_duration_seconds_count{method="GET",route="/api/v1/deployments/:id"} 2');
    expect(value(body, 'envmgr_deployments_total', { outcome: 'requested' })).toBe(1);
    expect(value(body, 'envmgr_deployments_total', { outcome: 'failed' })).toBe(1);
    expect(body).toContain('envmgr_deployment_duration_seconds_count{outcome="failed"} 1');
    expect(body).toContain('envmgr_deployment_duration_seconds_sum{outcome="failed"} 90');
    expect(value(body, 'envmgr_event_deliveries_total', { result: 'delivered' })).toBe(2);
    expect(body).toContain('envmgr_event_delivery_lag_seconds_count 2');
    expect(value(body, 'envmgr_scheduler_actions_total', { action: 'switchOff', outcome: 'done' })).toBe(1);
    expect(value(body, 'envmgr_job_lock_held', { job: 'deployment-driver' })).toBe(1);
    expect(value(body, 'envmgr_job_lock_held', { job: 'scheduler' })).toBe(0);
    expect(value(body, 'envmgr_event_deliveries', { state: 'dead' })).toBe(0);
    expect(parsePrometheusTextFormat(body).map((f) => f.name)).toContain('envmgr_instances');
  });
});
