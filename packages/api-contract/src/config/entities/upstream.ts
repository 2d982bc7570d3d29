import type { z } from 'zod';
import { bool, closed, duration, environmentName, int, list, name, oneOf, schemaVersion, serviceName, str } from './fields.js';

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
/**
 * §3.8: a Consul service name (no dot, at least one dash, e.g. c50-Search-blue), or a dotted DNS name whose first
 * label has at most 3 hyphens.
 */
export const UPSTREAM_DNS_NAME = new RegExp(`^(?:(?=[^.]*-)[A-Za-z0-9_-]+|(?![^.]*(?:-[^.]*){4}\\.)${LABEL}(?:\\.${LABEL})+)$`);

export const UpstreamHostSchema = closed({
  DnsName: str(
    'must be a Consul service name without dots and with a dash (e.g. c50-Search-blue) or a dotted DNS name ' +
      'whose first label has at most 3 hyphens and none at its ends',
    { min: 1, max: 253, pattern: UPSTREAM_DNS_NAME },
  ),
  Port: int(1, 65535),
  State: oneOf(['up', 'down']).optional().meta({ description: 'down takes the host out of the upstream; absent means up' }),
  Weight: int(1, 1000).optional().meta({ description: 'default 1' }),
  FailTimeout: duration().optional().meta({ description: 'default 30s' }),
  MaxFails: int(0, 1000).optional(),
}).meta({ id: 'UpstreamHost' });
export type UpstreamHost = z.infer<typeof UpstreamHostSchema>;

export const UPSTREAM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

const ValueSchema = closed({
  EnvironmentName: environmentName(),
  UpstreamName: str('must be 1-255 letters, digits, ".", "_" or "-", starting with <EnvironmentName>-', { max: 255, pattern: UPSTREAM_NAME }),
  ServiceName: serviceName(),
  Hosts: list(UpstreamHostSchema, 100, 'hosts').min(1, { error: 'must list at least one host; nginx refuses an empty upstream' }),
  LoadBalancingMethod: name(64).optional(),
  PersistenceMethod: name(64).optional(),
  SlowStart: duration().optional(),
  UpStreamKeepalives: int(0, 10000).optional().meta({ description: 'idle keepalive connections per worker; 32 when created' }),
  ZoneSize: str('must be a size such as 64k or 1m', { max: 16, pattern: /^\d+[kKmM]?$/ }).optional(),
  SchemaVersion: schemaVersion().optional(),
  MarkForDelete: bool().optional(),
  MarkForDeleteTimestamp: int(0, undefined, ' (ms since the epoch)').optional().meta({ description: 'when a cleaner deletes the upstream' }),
}).refine((v) => v.UpstreamName.startsWith(`${v.EnvironmentName}-`), {
  path: ['UpstreamName'],
  error: 'must start with the environment name and a dash, e.g. c50-search for environment c50',
});

/** The key EM gives an upstream; upstreams are addressed by it. */
export function upstreamKey(environmentName: string, upstreamName: string): string {
  return `/${environmentName}_${upstreamName}/config`;
}

/** §3.8: an nginx upstream (usually one per service and environment), a host per slice. Key: `key`. */
export const UpstreamSchema = closed({
  key: str('must be /<EnvironmentName>_<UpstreamName>/config', { max: 300, pattern: /^\/[A-Za-z0-9]+_[^/]+\/config$/ })
    .optional()
    .meta({ description: 'derived from EnvironmentName and UpstreamName; may be left out when creating' }),
  Value: ValueSchema,
})
  // A key that disagrees with its Value would make the item unreachable by the name it shows.
  .refine((u) => u.key === undefined || u.key === upstreamKey(u.Value.EnvironmentName, u.Value.UpstreamName), {
    path: ['key'],
    error: 'must equal /<Value.EnvironmentName>_<Value.UpstreamName>/config or be left out',
  })
  .meta({ id: 'Upstream', description: 'An nginx upstream: the hosts (one per slice) a service gets traffic on (§3.8).' });
export type Upstream = z.infer<typeof UpstreamSchema>;
