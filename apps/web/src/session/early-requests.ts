import type { FetchLike, FetchResponse } from '@envmgr/api-contract';

/*
 * The replies a page needs first, asked for before the app is set up. Without this a cold load is a chain: the
 * script, then `whoami`, then the page's data. Here `src/early.ts` (the first script of index.html, with no imports
 * but this file) starts the GETs the opened page will make while React, the contract schemas and `whoami` are still
 * on their way; the typed client then receives those responses instead of asking again, and parses and checks them
 * as it does every reply. Only GETs, only once each, only for a short while and until the first write: any later
 * request (a reload, another page, the page after signing in) goes to the server.
 */

/** Same header as the typed client sends, so the server answers the same way. */
const ACCEPT = 'application/json, application/problem+json';

/** An early response not taken by then is dropped: it would be stale, and it holds a body in memory. */
export const EARLY_MAX_AGE_MS = 10_000;

/** The GET paths (below `/api/v1/`, with their query, encoded as the typed client does) the page at `path` reads first. */
export function earlyPathsFor(path: string): string[] {
  const env = /^\/environments\/([^/]+)\/?$/.exec(path);
  if (!env?.[1]) return [];
  const name = encodeURIComponent(decodeURIComponent(env[1]));
  const base = `environments/${name}`;
  // the environment page: its operations state, schedule, services, servers and the instances in maintenance
  return ['whoami', `${base}/ops`, `${base}/schedule`, `${base}/schedule-status`, `services?environment=${name}`, `${base}/servers`, `instances?environment=${name}&maintenance=true`];
}

export interface EarlyRequests {
  /** A fetch for the typed client: a GET of a URL asked early gets that response (once); everything else is `fetch`'s. */
  fetch: FetchLike;
  /** The URLs asked early and not taken yet. */
  pending(): string[];
}

export interface EarlyOptions {
  /** The origin of the API, e.g. `window.location.origin`. */
  origin: string;
  /** The path of the page being opened. */
  path: string;
  fetch: FetchLike;
  now?: () => number;
}

/** Starts the page's first GETs now and returns the fetch that hands them out. */
export function startEarlyRequests(opts: EarlyOptions): EarlyRequests {
  const now = opts.now ?? (() => Date.now());
  const startedAt = now();
  const early = new Map<string, Promise<FetchResponse>>();
  for (const p of earlyPathsFor(opts.path)) {
    const url = `${opts.origin}/api/v1/${p}`;
    const response = opts.fetch(url, { method: 'GET', headers: { accept: ACCEPT } });
    // a failure is seen by whoever takes it; one never taken must not surface as an unhandled rejection
    response.catch(() => undefined);
    early.set(url, response);
  }
  return {
    fetch: (url, init) => {
      // a write (signing in, a toggle) may change what the early replies said: none is used after one
      if (init.method !== 'GET' || now() - startedAt > EARLY_MAX_AGE_MS) early.clear();
      const response = early.get(url);
      early.delete(url);
      return response ?? opts.fetch(url, init);
    },
    pending: () => [...early.keys()],
  };
}
