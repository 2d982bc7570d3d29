export { parseGoDuration } from '@envmgr/ports';

/** A Go duration string for a whole number of milliseconds (`400ms`), which Consul accepts wherever it takes one. */
export function formatGoDuration(ms: number): string {
  return `${Math.max(0, Math.round(ms))}ms`;
}
