/** The execution log of a deployment record: `[ISO time] text` lines, oldest first, capped. Pure. */
import { MAX_LOG_LINES } from './deployment.js';

/** ISO 8601 of a time in ms; times outside the Date range are shown as numbers rather than throwing. */
export function isoOf(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/** The log with `texts` appended; past the cap the oldest lines after the first (the request) are dropped. */
export function appendLog(log: readonly string[], nowMs: number, ...texts: string[]): string[] {
  const next = [...log, ...texts.map((t) => `[${isoOf(nowMs)}] ${t}`)];
  if (next.length <= MAX_LOG_LINES) return next;
  return [...next.slice(0, 1), ...next.slice(next.length - (MAX_LOG_LINES - 1))];
}
