import {
  DeployLockSchema,
  EnvironmentOpsStatusSchema,
  MaintenanceSchema,
  ProtectedActionSchema,
  type DeployLock,
  type EnvironmentOpsStatus,
  type Maintenance,
  type ProtectedAction,
  type ProtectedActionAnswer,
} from '../environments/environment-ops-schemas.js';
import { parseReply, type Send } from './transport.js';

/** Environment operations: deploy lock, maintenance mode, protected actions (SPEC §3.3, §11). */
export interface EnvironmentsApi {
  /** The environment's deploy lock. Throws ApiError `not-found` (404) for an unknown environment. */
  deployLock(environment: string): Promise<DeployLock>;
  /**
   * Locks deployments to the environment (deployments then get 423 `deployments-locked`). Locking a locked environment
   * keeps who locked it and when, and replaces the reason when one is given. Throws ApiError `not-found`, `permission-denied` (403).
   */
  lockDeployments(environment: string, reason?: string): Promise<DeployLock>;
  /** Unlocks deployments; unlocking an unlocked environment is not an error. Throws ApiError `not-found`, `permission-denied`. */
  unlockDeployments(environment: string): Promise<DeployLock>;
  /** The environment's maintenance mode. Throws ApiError `not-found`. */
  maintenance(environment: string): Promise<Maintenance>;
  /** Puts the environment in maintenance (`true`) or takes it out. Throws ApiError `not-found`, `permission-denied`. */
  setMaintenance(environment: string, inMaintenance: boolean, reason?: string): Promise<Maintenance>;
  /** Whether the environment's type protects `action` against everyone. Throws ApiError `not-found`. */
  isProtected(environment: string, action: ProtectedAction): Promise<ProtectedActionAnswer>;
  /** Deploy lock, maintenance and schedule flags at once. Throws ApiError `not-found`. */
  environmentOps(environment: string): Promise<EnvironmentOpsStatus>;
}

export function createEnvironmentsApi(send: Send): EnvironmentsApi {
  const at = (environment: string, what: string) => `environments/${encodeURIComponent(environment)}/${what}`;
  const withReason = (reason: string | undefined) => (reason !== undefined ? { reason } : {});
  return {
    async deployLock(environment) {
      return parseReply(await send({ method: 'GET', path: at(environment, 'deploy-lock') }), DeployLockSchema);
    },
    async lockDeployments(environment, reason) {
      return parseReply(await send({ method: 'PUT', path: at(environment, 'deploy-lock'), body: withReason(reason) }), DeployLockSchema);
    },
    async unlockDeployments(environment) {
      return parseReply(await send({ method: 'DELETE', path: at(environment, 'deploy-lock') }), DeployLockSchema);
    },
    async maintenance(environment) {
      return parseReply(await send({ method: 'GET', path: at(environment, 'maintenance') }), MaintenanceSchema);
    },
    async setMaintenance(environment, inMaintenance, reason) {
      const body = { inMaintenance, ...withReason(reason) };
      return parseReply(await send({ method: 'PUT', path: at(environment, 'maintenance'), body }), MaintenanceSchema);
    },
    async isProtected(environment, action) {
      return parseReply(await send({ method: 'GET', path: at(environment, 'protected'), query: { action } }), ProtectedActionSchema);
    },
    async environmentOps(environment) {
      return parseReply(await send({ method: 'GET', path: at(environment, 'ops') }), EnvironmentOpsStatusSchema);
    },
  };
}
