import { describe, expect, it } from 'vitest';
import { MAX_LOG_LINES } from './deployment.js';
import { appendLog, isoOf } from './deployment-log.js';

describe('deployment log', () => {
  it('stamps lines with the ISO time', () => {
    expect(appendLog(['[x] first'], Date.UTC(2025, 0, 1), 'a', 'b')).toEqual(['[x] first', '[2025-01-01T00:00:00.000Z] a', '[2025-01-01T00:00:00.000Z] b']);
  });

  it('keeps the first line (the request) and the newest ones past the cap', () => {
    const full = Array.from({ length: MAX_LOG_LINES }, (_, i) => `line ${i}`);
    const next = appendLog(full, 0, 'newest');
    expect(next).toHaveLength(MAX_LOG_LINES);
    expect([next[0], next[1], next.at(-1)]).toEqual(['line 0', 'line 2', '[1970-01-01T00:00:00.000Z] newest']);
  });

  it('shows a time outside the Date range as a number instead of throwing', () => {
    expect(isoOf(Number.MAX_VALUE)).toBe(String(Number.MAX_VALUE));
  });
});
