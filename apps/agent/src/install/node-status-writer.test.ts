import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '@envmgr/domain';
import type { KvEntry, KvPutOptions, Registry } from '@envmgr/ports';
import { createNodeStatusWriter } from './node-status-writer.js';

const KEY = 'deployments/d1/nodes/i-1';
type Put = (key: string, value: string, opts?: KvPutOptions) => Promise<boolean>;

/** A KV with check-and-set, enough for the writer's logic; `put` can be wrapped to make the registry go away. */
function aKv() {
  let entry: KvEntry | undefined;
  let index = 0;
  const store: Put = async (key, value, o = {}) => {
    if (o.cas !== undefined && o.cas !== (entry?.modifyIndex ?? 0)) return false;
    index += 1;
    entry = { key, value, flags: 0, createIndex: entry?.createIndex ?? index, modifyIndex: index } as KvEntry;
    return true;
  };
  const kv = {
    put: store,
    kvGet: async () => ({ index, value: entry }),
    kvPut: (key: string, value: string, o?: KvPutOptions) => kv.put(key, value, o),
    value: () => entry?.value,
    store,
  };
  return kv;
}

function aLog() {
  const lines: string[] = [];
  return { lines, line: (t: string) => void lines.push(t), text: () => lines.join('\n') };
}

const success = (s: object) => ({ ...s, Status: 'Success', LastCompletedStage: 'Complete' }) as never;

describe('node status writer', () => {
  it('retries the final status while the registry cannot be reached', async () => {
    const kv = aKv();
    const w = createNodeStatusWriter(kv as unknown as Registry, KEY, aLog());
    expect(await w.begin('2026-01-01T00:00:00Z')).toBe('started');
    let down = 2;
    kv.put = (key, value, o) => (down-- > 0 ? Promise.reject(new DependencyUnavailableError('the registry cannot be reached')) : kv.store(key, value, o));
    await w.finish(success);
    expect(down).toBeLessThan(0);
    expect(JSON.parse(kv.value() ?? '{}')).toMatchObject({ Status: 'Success' });
  }, 10_000);

  it("takes a final write that landed without an answer as written, not as someone else's", async () => {
    const kv = aKv();
    const log = aLog();
    const w = createNodeStatusWriter(kv as unknown as Registry, KEY, log);
    await w.begin('2026-01-01T00:00:00Z');
    let once = true;
    kv.put = async (key, value, o) => {
      const landed = await kv.store(key, value, o);
      if (!once) return landed;
      once = false;
      throw new DependencyUnavailableError('the answer was lost');
    };
    await w.finish(success);
    expect(JSON.parse(kv.value() ?? '{}')).toMatchObject({ Status: 'Success' });
    expect(log.lines.some((l) => l.includes('changed by someone else'))).toBe(false);
  }, 10_000);

  it('keeps writing after a read of the new index failed (the key still holds our own last write)', async () => {
    const kv = aKv();
    const log = aLog();
    const w = createNodeStatusWriter(kv as unknown as Registry, KEY, log);
    await w.begin('2026-01-01T00:00:00Z');
    const get = kv.kvGet;
    let failReads = 1;
    kv.kvGet = () => (failReads-- > 0 ? Promise.reject(new DependencyUnavailableError('a stale connection')) : get());
    await w.stage('RegisterService');
    kv.kvGet = get;
    await w.stage('DeleteOldDeployments');
    await w.finish(success);
    expect(JSON.parse(kv.value() ?? '{}')).toMatchObject({ Status: 'Success' });
    expect(log.lines.some((l) => l.includes('changed by someone else'))).toBe(false);
  });

  it('stops writing when someone else changed the key', async () => {
    const kv = aKv();
    const log = aLog();
    const w = createNodeStatusWriter(kv as unknown as Registry, KEY, log);
    await w.begin('2026-01-01T00:00:00Z');
    await kv.store(KEY, JSON.stringify({ Status: 'Failed', LastCompletedStage: 'Timed Out' }));
    await w.finish(success);
    expect(JSON.parse(kv.value() ?? '{}')).toMatchObject({ Status: 'Failed' });
    expect(log.lines.some((l) => l.includes('changed by someone else'))).toBe(true);
  });
});
