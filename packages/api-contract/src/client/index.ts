// The typed HTTP client of EM's API (used by the CLI and the web UI).
export { createClient, type ClientOptions, type EnvMgrClient } from './create-client.js';
export { ApiError, CLIENT_ERROR_CODES, type ApiErrorInit } from './api-error.js';
export type { ConfigApi } from './config-api.js';
export type { TransferApi } from './transfer-api.js';
export type { AuditApi } from './audit-api.js';
export type { IdentityApi, SignedIn, WhoAmI, ApiTokenInfo, CreatedApiToken, NewApiToken, PermissionEntry, PermissionCheck, PermissionVerdict } from './identity-api.js';
export type { FetchLike, FetchResponse } from './transport.js';
export type * from './types.js';
