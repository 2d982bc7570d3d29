import type { LogUploader } from '@envmgr/agent-core';

export interface HttpLogUploaderOptions {
  /** EM's origin, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** @default 30000 */
  timeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** The URL of a stored log in EM's API (what the node status' `Log` holds). */
export function logUrl(baseUrl: string, key: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/v1/logs/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** Stores deployment logs with `PUT /api/v1/logs/{key}` (text/plain). */
export function createHttpLogUploader(opts: HttpLogUploaderOptions): LogUploader {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8', accept: 'application/json, application/problem+json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  return {
    async upload(key, text) {
      const url = logUrl(opts.baseUrl, key);
      try {
        const res = await doFetch(url, { method: 'PUT', headers, body: text, signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000) });
        const body = await res.text().catch(() => '');
        if (res.ok) return { ok: true, url };
        return { ok: false, reason: `EM answered the log upload with ${res.status}: ${body.slice(0, 300)}` };
      } catch (err) {
        return { ok: false, reason: `EM at ${opts.baseUrl} cannot be reached for the log upload: ${err instanceof Error ? err.message : String(err)}` };
      }
    },
  };
}
