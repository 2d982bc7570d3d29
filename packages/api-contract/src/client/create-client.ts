import { createAuditApi, type AuditApi } from './audit-api.js';
import { createConfigApi, type ConfigApi } from './config-api.js';
import { createTransferApi, type TransferApi } from './transfer-api.js';
import { createTransport, type FetchLike } from './transport.js';

export interface ClientOptions {
  /** The server's origin, e.g. `http://127.0.0.1:8080` (routes live under `/api/v1/`). */
  baseUrl: string;
  /** @default the global `fetch` */
  fetch?: FetchLike | undefined;
  /** Sent with every request (e.g. `authorization`); never copied into errors. */
  headers?: Record<string, string> | undefined;
}

/**
 * EM's typed HTTP client. Every failure is an {@link ApiError}: a problem+json answer keeps its `code`, `problem`
 * and `requestId`; no answer at all is code `unreachable` (status 0); a body that breaks the contract is
 * `invalid-response`.
 */
export interface EnvMgrClient extends ConfigApi, TransferApi, AuditApi {}

export function createClient(opts: ClientOptions): EnvMgrClient {
  const send = createTransport(opts);
  return { ...createConfigApi(send), ...createTransferApi(send), ...createAuditApi(send) };
}
