// The typed HTTP client of EM's API (used by the CLI and the web UI).
export { createClient, type ClientOptions, type EnvMgrClient } from './create-client.js';
export { ApiError, CLIENT_ERROR_CODES, type ApiErrorInit } from './api-error.js';
export type { ConfigApi } from './config-api.js';
export type { TransferApi } from './transfer-api.js';
export type { AuditApi } from './audit-api.js';
export type { EnvironmentsApi } from './environments-api.js';
export type { OperationsApi, InstanceListQuery } from './operations-api.js';
export { DeploymentProgressSchema, DEFAULT_FOLLOW_TIMING, progressOf } from './deployments-api.js';
export type { DeploymentsApi, DeploymentRequestInput, DeploymentListQuery, DeploymentProgress, FollowSource, FollowTiming, RolledBackDeploymentDto } from './deployments-api.js';
export { createSseParser, type SseMessage, type AbortSignalLike, type StreamFetchLike } from './event-stream.js';
export type { IdentityApi, SignedIn, WhoAmI, ApiTokenInfo, CreatedApiToken, NewApiToken, PermissionEntry, PermissionCheck, PermissionVerdict } from './identity-api.js';
export type { FetchLike, FetchResponse } from './transport.js';
export type * from './types.js';
