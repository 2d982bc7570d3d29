import { describe, expect, it } from 'vitest';
import { createTokenBucket } from './request-budget.js';

describe('token bucket', () => {
  const fakeTime = () => {
    let now = 0;
    return { clock: { now: () => now }, sleep: async (ms: number) => void (now += ms) };
  };

  it('lets a burst through at once, then spaces calls at the budgeted rate', async () => {
    const t = fakeTime();
    const bucket = createTokenBucket({ perSecond: 4, burst: 2 }, t.clock, t.sleep);
    const at: number[] = [];
    for (let i = 0; i < 6; i++) {
      await bucket.take();
      at.push(t.clock.now());
    }
    expect(at).toEqual([0, 0, 250, 500, 750, 1000]);
  });

  it('never overdraws when many callers wait together', async () => {
    const t = fakeTime();
    const bucket = createTokenBucket({ perSecond: 10 }, t.clock, t.sleep);
    const at: number[] = [];
    await Promise.all(Array.from({ length: 30 }, () => bucket.take().then(() => at.push(t.clock.now()))));
    // 10 at once, then 20 more at 10 a second
    expect(at.filter((ms) => ms === 0)).toHaveLength(10);
    expect(Math.max(...at)).toBe(2000);
  });
});
