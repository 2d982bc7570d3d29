import type { z } from 'zod';
import { parseReply, type Send } from '../client/transport.js';
import {
  DeletedTargetStateSchema,
  EnvironmentComparisonSchema,
  EnvironmentServersSchema,
  EnvironmentServicesSchema,
  InstallationCheckSchema,
  ServerGroupSchema,
  ServiceHealthSchema,
  ServiceSlicesSchema,
  TargetStateSchema,
  type DeletedTargetStateDto,
  type EnvironmentComparisonDto,
  type EnvironmentServersDto,
  type EnvironmentServicesDto,
  type InstallationCheckDto,
  type ServerGroupDto,
  type ServiceHealthDto,
  type ServiceSlicesDto,
  type TargetStateDto,
} from './service-state-schemas.js';

export type SliceName = 'none' | 'blue' | 'green';

/**
 * Services, target state, servers and comparisons of environments (SPEC §11). Failures are ApiErrors: `not-found`
 * (404) for an unknown environment, service or group; `validation-failed` (400) for a bad query;
 * `permission-denied` (403) and `deployments-locked` (423) for deleting target state.
 */
export interface ServiceStateApi {
  /** The services of an environment: target entries, versions and slices running, instance counts, health. */
  environmentServices(environment: string): Promise<EnvironmentServicesDto>;
  /** Every registered instance of a service (of one slice with `slice`), with its checks. */
  serviceHealth(service: string, q: { environment: string; slice?: SliceName | undefined }): Promise<ServiceHealthDto>;
  /** The slices of a service: port, target entries, versions, instances, health. */
  serviceSlices(service: string, q: { environment: string }): Promise<ServiceSlicesDto>;
  /** Per instance of the roles that run the service: what is missing for it to run there. */
  installationCheck(service: string, q: { environment: string; slice?: SliceName | undefined }): Promise<InstallationCheckDto>;
  /** The environment's target state, parsed (one server role's with `serverRole`). */
  targetState(environment: string, q?: { serverRole?: string | undefined }): Promise<TargetStateDto>;
  /** Deletes target state: the environment's, one service's, or one version's. Agents then uninstall what is gone. */
  deleteTargetState(target: { environment: string; service?: string | undefined; version?: string | undefined }): Promise<DeletedTargetStateDto>;
  /** The environment's groups and instances, each instance with its services and whether it is converged. */
  environmentServers(environment: string): Promise<EnvironmentServersDto>;
  /** One group of the environment, as `environmentServers` shows it. */
  environmentServerGroup(environment: string, group: string): Promise<ServerGroupDto>;
  /** Service by service, the target and running versions of 2-10 environments. */
  compareEnvironments(environments: readonly string[]): Promise<EnvironmentComparisonDto>;
}

const enc = encodeURIComponent;

export function createServiceStateApi(send: Send): ServiceStateApi {
  const get = async <S extends z.ZodType>(path: string, query: Record<string, string | undefined>, schema: S): Promise<z.output<S>> =>
    parseReply(await send({ method: 'GET', path, query }), schema);
  return {
    environmentServices: (environment) => get('services', { environment }, EnvironmentServicesSchema),
    serviceHealth: (service, q) => get(`services/${enc(service)}/health`, { environment: q.environment, slice: q.slice }, ServiceHealthSchema),
    serviceSlices: (service, q) => get(`services/${enc(service)}/slices`, { environment: q.environment }, ServiceSlicesSchema),
    installationCheck: (service, q) => get(`services/${enc(service)}/installationcheck`, { environment: q.environment, slice: q.slice }, InstallationCheckSchema),
    targetState: (environment, q = {}) => get(`target-state/${enc(environment)}`, { serverRole: q.serverRole }, TargetStateSchema),
    async deleteTargetState(t) {
      const parts = [t.environment, ...(t.service !== undefined ? [t.service, ...(t.version !== undefined ? [t.version] : [])] : [])];
      return parseReply(await send({ method: 'DELETE', path: `target-state/${parts.map(enc).join('/')}` }), DeletedTargetStateSchema);
    },
    environmentServers: (environment) => get(`environments/${enc(environment)}/servers`, {}, EnvironmentServersSchema),
    environmentServerGroup: (environment, group) => get(`environments/${enc(environment)}/servers/${enc(group)}`, {}, ServerGroupSchema),
    compareEnvironments: (environments) => get('compare', { environments: environments.join(',') }, EnvironmentComparisonSchema),
  };
}
