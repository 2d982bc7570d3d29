/** A clock that only moves when a test moves it. */
export function aFixedClock(startMs = Date.UTC(2026, 0, 1)): { now(): number; advance(ms: number): void } {
  let t = startMs;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** Ids `prefix-1`, `prefix-2`, … in order. */
export function sequentialIds(prefix = 'id'): { next(): string } {
  let n = 0;
  return { next: () => `${prefix}-${++n}` };
}
