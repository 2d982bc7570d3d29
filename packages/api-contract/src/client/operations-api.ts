import { z } from 'zod';
import {
  AsgDetailSchema,
  AsgIpsSchema,
  AsgLaunchConfigSchema,
  AsgReadinessSchema,
  AsgSchema,
  ScalingScheduleSchema,
  type AsgDetailDto,
  type AsgDto,
  type AsgIpsDto,
  type AsgLaunchConfigDto,
  type AsgReadinessDto,
  type AsgSizeRequestDto,
  type ScalingScheduleDto,
  type ScalingScheduleRequestDto,
} from '../operations/group-schemas.js';
import { InstanceSchema, type InstanceDto } from '../operations/instance-schemas.js';
import { paginate, toPage } from './paging.js';
import { parseReply, type Send } from './transport.js';
import type { ListPage, PagingOptions } from './types.js';

export interface InstanceListQuery extends PagingOptions {
  /** The `Environment` tag. */
  environment?: string | undefined;
  /** The `OwningCluster` tag. */
  cluster?: string | undefined;
  /** Only instances in maintenance (true) or not (false). */
  maintenance?: boolean | undefined;
  instanceId?: string | undefined;
  ipAddress?: string | undefined;
}

/**
 * Groups of instances (`/asgs`) and instances (`/instances`), SPEC §11. Failures are ApiErrors: `not-found` (404),
 * `validation-failed` (400, `problem.errors`), `permission-denied` (403), `deployments-locked` (423, with
 * `lockedBy` and `reason`), `instance-state` (409).
 */
export interface OperationsApi {
  /** Every group (of one environment: its `Environment` tag), by name. */
  listAsgs(query?: { environment?: string | undefined }): Promise<AsgDto[]>;
  /** One group with its members that are not terminated. */
  getAsg(name: string): Promise<AsgDetailDto>;
  /** Whether every counted member is InService and running, as many as desired; `reasons` says why not. */
  asgReadiness(name: string): Promise<AsgReadinessDto>;
  /** Addresses of the serving members, and every live member with its address. */
  asgIps(name: string): Promise<AsgIpsDto>;
  /** How the group launches instances. */
  asgLaunchConfig(name: string): Promise<AsgLaunchConfigDto>;
  /** Changes min, desired and/or max; returns the group with its new size (it converges by itself). */
  resizeAsg(name: string, size: AsgSizeRequestDto): Promise<AsgDto>;
  /** A group's `Schedule` tag and scaling actions. */
  scalingSchedule(name: string): Promise<ScalingScheduleDto>;
  /** Sets a group's `Schedule` tag (a string) or its scaling actions (a list). */
  setScalingSchedule(name: string, body: ScalingScheduleRequestDto): Promise<ScalingScheduleDto>;
  /** Deletes a group: terminates its instances and deletes its role's target state. */
  deleteAsg(name: string): Promise<void>;
  /** One page of instances that are not terminated, in launch order. */
  listInstances(query?: InstanceListQuery): Promise<ListPage<InstanceDto>>;
  /** Every instance matching the query, page after page. */
  listAllInstances(query?: InstanceListQuery): AsyncGenerator<InstanceDto, void, undefined>;
  /** One instance (a terminated one too, for a while). */
  getInstance(id: string): Promise<InstanceDto>;
  /** Puts an instance in maintenance (`true`) or takes it out (`false`); returns it, tagged. */
  setInstanceMaintenance(id: string, enable: boolean): Promise<InstanceDto>;
}

const enc = encodeURIComponent;

export function createOperationsApi(send: Send): OperationsApi {
  const asg = (name: string, sub = '') => `asgs/${enc(name)}${sub}`;
  const listInstances = async (q: InstanceListQuery = {}): Promise<ListPage<InstanceDto>> => {
    const query = {
      environment: q.environment,
      cluster: q.cluster,
      maintenance: q.maintenance,
      instance_id: q.instanceId,
      ip_address: q.ipAddress,
      limit: q.limit,
      cursor: q.cursor,
    };
    return toPage(await send({ method: 'GET', path: 'instances', query }), InstanceSchema);
  };
  return {
    async listAsgs(query = {}) {
      return parseReply(await send({ method: 'GET', path: 'asgs', query: { environment: query.environment } }), z.array(AsgSchema));
    },
    async getAsg(name) {
      return parseReply(await send({ method: 'GET', path: asg(name) }), AsgDetailSchema);
    },
    async asgReadiness(name) {
      return parseReply(await send({ method: 'GET', path: asg(name, '/ready') }), AsgReadinessSchema);
    },
    async asgIps(name) {
      return parseReply(await send({ method: 'GET', path: asg(name, '/ips') }), AsgIpsSchema);
    },
    async asgLaunchConfig(name) {
      return parseReply(await send({ method: 'GET', path: asg(name, '/launch-config') }), AsgLaunchConfigSchema);
    },
    async resizeAsg(name, size) {
      return parseReply(await send({ method: 'PUT', path: asg(name, '/size'), body: size }), AsgSchema);
    },
    async scalingSchedule(name) {
      return parseReply(await send({ method: 'GET', path: asg(name, '/scaling-schedule') }), ScalingScheduleSchema);
    },
    async setScalingSchedule(name, body) {
      return parseReply(await send({ method: 'PUT', path: asg(name, '/scaling-schedule'), body }), ScalingScheduleSchema);
    },
    async deleteAsg(name) {
      await send({ method: 'DELETE', path: asg(name) });
    },
    listInstances,
    listAllInstances: (query = {}) => paginate((cursor) => listInstances({ ...query, cursor }), { label: 'GET instances', firstCursor: query.cursor }),
    async getInstance(id) {
      return parseReply(await send({ method: 'GET', path: `instances/${enc(id)}` }), InstanceSchema);
    },
    async setInstanceMaintenance(id, enable) {
      return parseReply(await send({ method: 'PUT', path: `instances/${enc(id)}/maintenance`, body: { enable } }), InstanceSchema);
    },
  };
}
