import { describe, expect, it } from 'vitest';
import { computeSavings, type SavingsEvent } from './savings.js';

const H = 3_600_000;
const T0 = Date.parse('2026-11-23T00:00:00Z');
const ev = (subject: string, hour: number, action: SavingsEvent['action'], over: Partial<SavingsEvent> = {}): SavingsEvent => ({
  subject, environment: 'c50', cluster: 'Infra', atMs: T0 + hour * H, action, instances: 1, ...over,
});

describe('computeSavings', () => {
  it('counts the hours between a switch off and the next switch on', () => {
    const r = computeSavings([], [ev('i-1', 17, 'switchOff'), ev('i-1', 33, 'switchOn')], T0, T0 + 48 * H);
    expect(r.instanceHoursSaved).toBe(16);
    expect(r.environments).toEqual([{ environment: 'c50', cluster: 'Infra', instanceHoursSaved: 16, subjects: 1 }]);
  });

  it('clips to the period: off before it starts, still off when it ends', () => {
    const r = computeSavings([ev('i-1', -5, 'switchOff')], [ev('i-1', 9, 'switchOn'), ev('i-1', 17, 'switchOff')], T0, T0 + 24 * H);
    expect(r.instanceHoursSaved).toBe(9 + 7);
  });

  it('weighs a group scaled to zero by its remembered desired size', () => {
    const r = computeSavings([], [ev('g:web', 0, 'scaleToZero', { instances: 3 }), ev('g:web', 10, 'restoreSize', { instances: 3 })], T0, T0 + 24 * H);
    expect(r.instanceHoursSaved).toBe(30);
  });

  it('ignores standby moves, repeated switches, events outside the period and a start state of on', () => {
    const r = computeSavings(
      [ev('i-1', -3, 'switchOn')],
      [ev('i-1', 1, 'putOutOfService'), ev('i-1', 2, 'switchOff'), ev('i-1', 3, 'switchOff'), ev('i-1', 4, 'putInService'), ev('i-1', 6, 'switchOn'), ev('i-1', 30, 'switchOff')],
      T0,
      T0 + 24 * H,
    );
    expect(r.instanceHoursSaved).toBe(4);
  });

  it('adds up by environment, most saved first', () => {
    const r = computeSavings([], [ev('i-1', 0, 'switchOff'), ev('i-2', 12, 'switchOff', { environment: 'c51', cluster: 'Web' }), ev('i-3', 18, 'switchOff')], T0, T0 + 24 * H);
    expect(r.environments.map((l) => [l.environment, l.instanceHoursSaved, l.subjects])).toEqual([['c50', 30, 2], ['c51', 12, 1]]);
    expect(r.instanceHoursSaved).toBe(42);
  });
});
