import { describe, expect, it } from 'vitest';
import { createMemoryConfigStore, createMemoryScheduleActionLog } from '@envmgr/adapter-memory';
import { createMemoryNotificationStore, type TopicMessage } from '@envmgr/ports';
import { aCluster, aDeploymentMap, aFixedClock, anEnvironment, anEnvironmentType, aService, sequentialIds } from '@envmgr/test-support';
import type { ConfigDeps, RequestContext } from '../context.js';
import { createItem } from '../config/write-items.js';
import { lockDeployments, setMaintenance, unlockDeployments } from '../environments/environment-ops.js';
import { publishToTopics, recordConfigChanges, recordScheduleActions } from './event-feeds.js';

const alice: RequestContext = { actor: { name: 'alice', kind: 'user', user: 'alice', permissions: [{ Resource: '**', Access: 'ADMIN' }] }, requestId: 'req-7' };

async function aWorld() {
  const clock = aFixedClock(Date.UTC(2026, 0, 5));
  const config = createMemoryConfigStore();
  const cdeps: ConfigDeps = { store: config, clock, hasher: { sha256: (t) => t } };
  await createItem(cdeps, alice, 'clusters', aCluster('Infra'));
  await createItem(cdeps, alice, 'services', aService());
  await createItem(cdeps, alice, 'deployment-maps', aDeploymentMap('Standard', ['Search']));
  const store = createMemoryNotificationStore();
  const scheduleActions = createMemoryScheduleActionLog();
  const published: TopicMessage[] = [];
  let topicsUp = true;
  const deps = {
    store, config, clock, ids: sequentialIds('ev'), scheduleActions,
    topics: { publish: async (m: TopicMessage) => (topicsUp ? (published.push(m), { ok: true as const }) : { ok: false as const, error: 'throttled' }) },
  };
  return { cdeps, deps, clock, published, setTopicsUp: (up: boolean) => void (topicsUp = up) };
}

describe('event feeds', () => {
  it('turns audited writes into config.changed, lock and maintenance events once each, from where it stopped', async () => {
    const w = await aWorld();
    expect(await recordConfigChanges(w.deps)).toBe(0); // the first run starts at the head: the cluster is history
    await createItem(w.cdeps, alice, 'environment-types', anEnvironmentType());
    await createItem(w.cdeps, alice, 'environments', anEnvironment('c50'));
    await lockDeployments(w.cdeps, alice, { environment: 'c50', reason: 'release freeze' });
    await setMaintenance(w.cdeps, alice, { environment: 'c50', inMaintenance: true });
    await unlockDeployments(w.cdeps, alice, { environment: 'c50' });
    expect(await recordConfigChanges(w.deps)).toBe(5);
    expect(await recordConfigChanges(w.deps)).toBe(0);
    const events = await w.deps.store.readEvents(0, 50);
    expect(events.map((e) => [e.type, e.actor, e.subject['environment'], e.subject['cluster']])).toEqual([
      ['config.changed', 'alice', undefined, undefined],
      ['config.changed', 'alice', 'c50', 'Infra'],
      ['environment.locked', 'alice', 'c50', 'Infra'],
      ['environment.maintenance-on', 'alice', 'c50', 'Infra'],
      ['environment.unlocked', 'alice', 'c50', 'Infra'],
    ]);
    expect(events[2]?.payload).toMatchObject({ reason: 'release freeze', requestId: 'req-7' });
    expect(events[1]?.payload).toMatchObject({ entityType: 'environments', key: 'c50', changeType: 'Created' });
  });

  it('turns scheduler actions into schedule.action events, each once', async () => {
    const w = await aWorld();
    expect(await recordScheduleActions(w.deps)).toBe(0);
    const action = {
      id: 'a1', atMs: w.clock.now() + 1000, actor: 'system:scheduler', runId: 'r1', account: 'local', subject: 'local/i-1', instanceId: 'i-1',
      environment: 'c50', cluster: 'Infra', action: 'switchOff' as const, outcome: 'done' as const, instances: 1, source: 'environment' as const, schedule: 'off', reason: 'schedule says off', attempts: 1,
    };
    await w.deps.scheduleActions.append([action, { ...action, id: 'a2', instanceId: 'i-2', subject: 'local/i-2' }]);
    expect(await recordScheduleActions(w.deps)).toBe(2);
    expect(await recordScheduleActions(w.deps)).toBe(0);
    const events = await w.deps.store.readEvents(0, 10);
    expect(events.map((e) => [e.id, e.type, e.actor, e.subject['instance']])).toEqual([
      ['schedule.action:a1', 'schedule.action', 'system:scheduler', 'i-1'],
      ['schedule.action:a2', 'schedule.action', 'system:scheduler', 'i-2'],
    ]);
  });

  it('publishes to EM topics in order, resuming after a failure without skipping', async () => {
    const w = await aWorld();
    await recordConfigChanges(w.deps);
    await createItem(w.cdeps, alice, 'environment-types', anEnvironmentType());
    await w.deps.store.appendEvent({ id: 'deployment.requested:d1', type: 'deployment.requested', at: '2026-01-05T00:00:00.000Z', actor: 'alice', subject: {}, payload: {} });
    await w.deps.store.appendEvent({ id: 'deployment.failed:d1', type: 'deployment.failed', at: '2026-01-05T00:00:01.000Z', actor: 'system:deployment-driver', subject: { environment: 'c50', service: 'Hello' }, payload: {} });
    await recordConfigChanges(w.deps);
    w.setTopicsUp(false);
    expect(await publishToTopics(w.deps)).toEqual({ published: 0, error: 'throttled' });
    w.setTopicsUp(true);
    expect(await publishToTopics(w.deps)).toEqual({ published: 2 });
    expect(await publishToTopics(w.deps)).toEqual({ published: 0 });
    expect(w.published.map((m) => [m.topic, m.subject, m.attributes['eventType']])).toEqual([
      ['DeploymentComplete', 'deployment.failed: c50 Hello', 'deployment.failed'],
      ['EnvironmentManagerConfigurationChange', 'config.changed', 'config.changed'],
    ]);
  });
});
