import type { ResolvedHealthCheck } from '@envmgr/agent-core';
import type { ServiceRegistration } from '@envmgr/ports';
import type { InstalledRecord } from '../state/state-store.js';

const describeCheck = (c: ResolvedHealthCheck): string =>
  `${c.type} check run by the EM agent every ${c.intervalMs / 1000} s: ${c.type === 'http' ? `GET ${c.url ?? ''}` : [c.script ?? '', ...c.args].join(' ')}`;

/**
 * The registration of an installed service (SPEC §6): id and name `<env>-<svc>[-<slice>]`, the instance's address,
 * the slice's port, the tags, and one TTL check per package health check, which the agent runs and reports itself.
 * Registering again keeps the checks' current status, so a restart of the agent does not flap them.
 */
export function registrationOf(rec: InstalledRecord, address: string): ServiceRegistration {
  return {
    id: rec.serviceId,
    name: rec.serviceId,
    address,
    port: rec.port,
    tags: rec.tags,
    meta: { version: rec.version, deployment_id: rec.deploymentId },
    checks: rec.healthChecks.map((c) => ({ type: 'ttl', id: c.checkId, name: c.name, ttlMs: c.ttlMs, notes: describeCheck(c) })),
  };
}
