import { createAuditApi, type AuditApi } from './audit-api.js';
import { createConfigApi, type ConfigApi } from './config-api.js';
import { createDeploymentsApi, type DeploymentsApi } from './deployments-api.js';
import { createEnvironmentsApi, type EnvironmentsApi } from './environments-api.js';
import { createIdentityApi, type IdentityApi } from './identity-api.js';
import { createOperationsApi, type OperationsApi } from './operations-api.js';
import { createTransferApi, type TransferApi } from './transfer-api.js';
import { createTransport, type FetchLike } from './transport.js';
import { createServiceStateApi, type ServiceStateApi } from '../service-state/service-state-client.js';
import { createScheduleApi, type ScheduleApi } from '../scheduling/schedule-client.js';
import { createTrafficApi, type TrafficApi } from '../traffic/traffic-client.js';
import { createSubscriptionsApi, type SubscriptionsApi } from '../notifications/subscriptions-client.js';
import { createBackupApi, type BackupApi } from '../backup/backup-client.js';
import { createReplicationApi, type ReplicationApi } from '../replication/replication-client.js';

export interface ClientOptions {
  /** The server's origin, e.g. `http://127.0.0.1:8080` (routes live under `/api/v1/`). */
  baseUrl: string;
  /** @default the global `fetch` */
  fetch?: FetchLike | undefined;
  /** Sent with every request; never copied into errors. */
  headers?: Record<string, string> | undefined;
  /**
   * Sent with every request as `Authorization: Bearer <token>`: the short-lived token from {@link IdentityApi.login}
   * or an API token (`emt_...`). It never appears in an error. Throws a TypeError (without the token) when it holds
   * characters an HTTP header cannot carry, such as spaces or a line break.
   */
  token?: string | undefined;
}

/**
 * EM's typed HTTP client. Every failure is an {@link ApiError}: a problem+json answer keeps its `code`, `problem`
 * and `requestId`; no answer at all is code `unreachable` (status 0); a body that breaks the contract is
 * `invalid-response`.
 */
export interface EnvMgrClient extends ConfigApi, TransferApi, AuditApi, IdentityApi, EnvironmentsApi, OperationsApi, ServiceStateApi, TrafficApi, ScheduleApi, SubscriptionsApi, BackupApi, ReplicationApi {
  /** Deployments: request, list, follow, cancel, redeploy, roll back. */
  deployments: DeploymentsApi;
}

export function createClient(opts: ClientOptions): EnvMgrClient {
  const { token, ...rest } = opts;
  const headers: Record<string, string> = { ...opts.headers };
  if (token !== undefined) {
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') delete headers[name];
    headers.authorization = `Bearer ${checkToken(token)}`;
  }
  const send = createTransport({ ...rest, headers, secrets: token === undefined ? [] : [token] });
  return {
    ...createConfigApi(send),
    ...createTransferApi(send),
    ...createAuditApi(send),
    ...createIdentityApi(send),
    ...createEnvironmentsApi(send),
    ...createServiceStateApi(send),
    ...createTrafficApi(send),
    ...createOperationsApi(send),
    ...createScheduleApi(send),
    ...createSubscriptionsApi(send),
    ...createBackupApi(send),
    ...createReplicationApi(send),
    ...createDeploymentsApi(send, { baseUrl: opts.baseUrl, fetch: opts.fetch, headers }),
  };
}

/** A bearer token is one run of visible ASCII characters; anything else would break (or split) the header. */
function checkToken(token: string): string {
  if (!/^[\x21-\x7e]+$/.test(token)) throw new TypeError('the token is empty or holds characters an HTTP header cannot carry (spaces, line breaks, non-ASCII)');
  return token;
}
