import { describe, expect, it } from 'vitest';
import { recordFailure, throttleWaitMs, type ThrottleState } from './login-throttle.js';

describe('login throttle', () => {
  it('lets the first failures through, then doubles the wait up to the cap', () => {
    let s: ThrottleState | undefined;
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      s = recordFailure(s, 0, { freeAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 });
      waits.push(throttleWaitMs(s, 0));
    }
    expect(waits).toEqual([0, 0, 0, 100, 200, 400, 800, 1000, 1000, 1000, 1000, 1000]);
  });

  it('stops asking to wait once the time has passed', () => {
    const s = recordFailure({ failures: 10, blockedUntilMs: 0 }, 1000);
    expect(throttleWaitMs(s, 1000)).toBeGreaterThan(0);
    expect(throttleWaitMs(s, s.blockedUntilMs)).toBe(0);
    expect(throttleWaitMs(undefined, 5)).toBe(0);
  });
});
