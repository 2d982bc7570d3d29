import { startEarlyRequests, type EarlyRequests } from './session/early-requests.js';

/**
 * The opened page's first GETs, started when this module runs. main.tsx imports it first, and modules run in import
 * order, so this happens before React and the API contract's schemas are set up (see early-requests.ts).
 */
export const earlyRequests: EarlyRequests = startEarlyRequests({
  origin: window.location.origin,
  path: window.location.pathname,
  fetch: (url, init) => window.fetch(url, init),
});
