import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from './testing.js';
import { startPassLoop, type PassLoop } from './pass-loop.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('startPassLoop', () => {
  let loop: PassLoop | undefined;
  afterEach(async () => {
    await loop?.stop();
  });

  /** A pass that runs `ms` long, counting starts and the most passes seen running at once. */
  function passes(ms: number, nextMs: number) {
    const seen = { starts: [] as number[], running: 0, most: 0 };
    const pass = async () => {
      seen.starts.push(Date.now());
      seen.running += 1;
      seen.most = Math.max(seen.most, seen.running);
      await sleep(ms);
      seen.running -= 1;
      return nextMs;
    };
    return { seen, pass };
  }

  it('runs a pass at once, then after the delay the pass answers, never two at a time', async () => {
    const { seen, pass } = passes(30, 20);
    loop = startPassLoop({ pass });
    await waitFor('four passes', async () => (seen.starts.length >= 4 ? true : undefined), { intervalMs: 10 });
    for (let i = 0; i < 50; i++) loop.wake();
    expect(seen.most).toBe(1);
    const gaps = seen.starts.slice(1).map((t, i) => t - seen.starts[i]!);
    // each start waits for the previous pass (30 ms) and the delay it answered (20 ms)
    expect(Math.min(...gaps.slice(0, 3))).toBeGreaterThanOrEqual(45);
  });

  it('runs again right after a pass when woken during it with rerunWoken, and drops that wake without', async () => {
    for (const rerunWoken of [true, false]) {
      const { seen, pass } = passes(50, 60_000);
      loop = startPassLoop({ pass, rerunWoken });
      await sleep(10);
      loop.wake(); // during the first pass
      await sleep(120);
      expect(seen.starts.length, `rerunWoken ${rerunWoken}`).toBe(rerunWoken ? 2 : 1);
      await loop.stop();
    }
  });

  it('keeps passes minGapMs apart however often it is woken', async () => {
    const { seen, pass } = passes(0, 0);
    loop = startPassLoop({ pass, minGapMs: 40, rerunWoken: true });
    await sleep(130);
    expect(seen.starts.length).toBeGreaterThanOrEqual(2);
    expect(seen.starts.length).toBeLessThanOrEqual(4);
    const gaps = seen.starts.slice(1).map((t, i) => t - seen.starts[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(38);
  });

  it('waits for the pass under way when stopped, and runs none after', async () => {
    const { seen, pass } = passes(50, 0);
    loop = startPassLoop({ pass });
    await sleep(10);
    await loop.stop();
    expect(seen.running).toBe(0);
    const after = seen.starts.length;
    loop.wake();
    await sleep(60);
    expect(seen.starts).toHaveLength(after);
  });
});
