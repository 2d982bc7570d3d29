import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlreadyExistsError } from '@envmgr/domain';
import type { ScheduleActionLog, ScheduleActionRecord } from './schedule-action-log.js';

export interface ScheduleActionLogFixture {
  log: ScheduleActionLog;
  dispose(): Promise<void>;
}

const T0 = Date.UTC(2026, 10, 23);
const H = 3_600_000;

function aRecord(id: string, hour: number, over: Partial<ScheduleActionRecord> = {}): ScheduleActionRecord {
  return {
    id, atMs: T0 + hour * H, actor: 'system:scheduler', runId: 'run-1', account: 'local', subject: 'local/i-1', instanceId: 'i-1',
    group: 'c50-in-Web', environment: 'c50', cluster: 'Infra', action: 'switchOff', outcome: 'done', instances: 1, source: 'environment',
    schedule: 'start: 0 9 * * 1-5; stop: 0 17 * * 1-5', reason: 'item 2 (stop) occurred', attempts: 1, ...over,
  };
}

/** The behaviour every ScheduleActionLog adapter shares. */
export function scheduleActionLogContract(name: string, setup: () => Promise<ScheduleActionLogFixture>): void {
  describe(`ScheduleActionLog contract: ${name}`, () => {
    let f: ScheduleActionLogFixture;
    let log: ScheduleActionLog;
    beforeEach(async () => {
      f = await setup();
      log = f.log;
    });
    afterEach(() => f.dispose());

    it('reads back what was appended, oldest first, without sharing objects', async () => {
      const a = aRecord('b', 2);
      const minimal: ScheduleActionRecord = {
        id: 'a', atMs: T0 + H, actor: 'system:scheduler', runId: 'run-1', account: 'local', subject: 'local/group:g', environment: 'c50',
        action: 'scaleToZero', outcome: 'failed', instances: 3, source: 'asg', schedule: 'OFF', reason: 'r', attempts: 3,
      };
      await log.append([a, minimal]);
      a.reason = 'changed after append';
      const listed = await log.list({ limit: 10 });
      expect(listed).toEqual([minimal, aRecord('b', 2)]);
      expect(listed[0]).not.toHaveProperty('cluster');
      listed[1]!.reason = 'changed after read';
      expect((await log.list({ limit: 10 }))[1]).toEqual(aRecord('b', 2));
      expect(await log.list({ limit: 10, sinceMs: T0 + 5 * H })).toEqual([]);
    });

    it('orders by time, then id, and pages with after', async () => {
      await log.append([aRecord('c', 1), aRecord('a', 3), aRecord('b', 1)]);
      const first = await log.list({ limit: 2 });
      expect(first.map((r) => r.id)).toEqual(['b', 'c']);
      const last = first[1]!;
      expect((await log.list({ limit: 2, after: { atMs: last.atMs, id: last.id } })).map((r) => r.id)).toEqual(['a']);
    });

    it('filters by time range, environment, cluster, subject and outcome', async () => {
      await log.append([
        aRecord('1', 1),
        aRecord('2', 2, { environment: 'c51', cluster: 'Web', subject: 'local/i-2' }),
        aRecord('3', 3, { outcome: 'failed', error: 'boom', attempts: 3 }),
        aRecord('4', 4, { cluster: undefined }),
      ]);
      const ids = async (q: Parameters<ScheduleActionLog['list']>[0]) => (await log.list(q)).map((r) => r.id);
      expect(await ids({ limit: 10, sinceMs: T0 + 2 * H, untilMs: T0 + 4 * H })).toEqual(['2', '3']);
      expect(await ids({ limit: 10, environment: 'c51' })).toEqual(['2']);
      expect(await ids({ limit: 10, cluster: 'Infra' })).toEqual(['1', '3']);
      expect(await ids({ limit: 10, subject: 'local/i-2' })).toEqual(['2']);
      expect(await ids({ limit: 10, outcome: 'failed' })).toEqual(['3']);
      expect((await log.list({ limit: 10, outcome: 'failed' }))[0]).toMatchObject({ error: 'boom', attempts: 3 });
    });

    it('refuses a batch with a known or repeated id, storing nothing of it', async () => {
      await log.append([aRecord('a', 1)]);
      await expect(log.append([aRecord('b', 2), aRecord('a', 3)])).rejects.toBeInstanceOf(AlreadyExistsError);
      await expect(log.append([aRecord('c', 2), aRecord('c', 3)])).rejects.toBeInstanceOf(AlreadyExistsError);
      expect((await log.list({ limit: 10 })).map((r) => r.id)).toEqual(['a']);
      await log.append([]);
    });

    it('gives each subject its latest successful record of the given actions before a time', async () => {
      await log.append([
        aRecord('1', 1, { action: 'switchOff' }),
        aRecord('2', 2, { action: 'switchOn' }),
        aRecord('3', 3, { action: 'putInService' }),
        aRecord('4', 4, { action: 'switchOff', outcome: 'failed' }),
        aRecord('5', 1, { subject: 'local/i-2', action: 'switchOff' }),
        aRecord('6', 1, { subject: 'local/i-2', action: 'switchOn' }),
        aRecord('7', 9, { subject: 'local/i-3', action: 'switchOff' }),
        aRecord('8', 1, { subject: 'local/i-4', action: 'switchOff', environment: 'c51' }),
      ]);
      const latest = await log.latestBefore({ beforeMs: T0 + 5 * H, actions: ['switchOff', 'switchOn'], environment: 'c50' });
      expect(latest.map((r) => [r.subject, r.id])).toEqual([['local/i-1', '2'], ['local/i-2', '6']]);
      expect(await log.latestBefore({ beforeMs: T0 + H, actions: ['switchOff'] })).toEqual([]);
      expect((await log.latestBefore({ beforeMs: T0 + 5 * H, actions: ['switchOff'], cluster: 'Infra' })).map((r) => r.id)).toEqual(['1', '5', '8']);
    });

    it('prune deletes old records but keeps, per subject and action, the latest done one, so latestBefore answers the same', async () => {
      await log.append([
        aRecord('1', 1, { subject: 'local/i-1', action: 'putOutOfService' }),
        aRecord('2', 2, { subject: 'local/i-1', action: 'switchOff' }),
        aRecord('3', 3, { subject: 'local/i-1', action: 'switchOn' }),
        aRecord('4', 4, { subject: 'local/i-1', action: 'switchOff', outcome: 'failed' }),
        aRecord('5', 5, { subject: 'local/i-2', action: 'switchOff' }),
        aRecord('6', 6, { subject: 'local/i-2', action: 'switchOff' }),
        aRecord('7', 9, { subject: 'local/i-1', action: 'switchOff' }),
      ]);
      const kinds = ['switchOff', 'switchOn', 'putOutOfService'] as const;
      const instants = [T0 + 8 * H, T0 + 9 * H, T0 + 10 * H];
      const answers = async () => Promise.all(instants.flatMap((beforeMs) => [[...kinds], ['switchOff'] as const, ['switchOn'] as const].map((actions) => log.latestBefore({ beforeMs, actions: [...actions] }))));
      const before = await answers();
      expect(await log.prune(T0 + 8 * H)).toBe(2); // the failed 4 and the older switchOff 5 of i-2
      expect((await log.list({ limit: 10 })).map((r) => r.id)).toEqual(['1', '2', '3', '6', '7']);
      expect(await answers()).toEqual(before);
      expect(await log.prune(T0 + 8 * H)).toBe(0);
      // pruned ids are free again
      await log.append([aRecord('4', 11)]);
    });
  });
}
