import { CorruptDataError } from '@envmgr/domain';
import type { CheckDefinition, CheckStatus } from '@envmgr/ports';

/** A node as the catalog stores it. */
export interface NodeRecord {
  node: string;
  address: string;
  createIndex: number;
  modifyIndex: number;
}

export interface ServiceRecord {
  node: string;
  id: string;
  name: string;
  tags: string[];
  address: string;
  port: number;
  meta: Record<string, string>;
  createIndex: number;
  modifyIndex: number;
}

export interface CheckRecord {
  node: string;
  id: string;
  name: string;
  status: CheckStatus;
  output: string;
  notes: string;
  serviceId: string;
  serviceName: string;
  type: string;
  definition: CheckDefinition;
  /** Set for TTL checks only. */
  ttlMs: number | undefined;
  /** When a TTL check turns critical unless reported; undefined once expired (or for other checks). */
  expiresAt: number | undefined;
  createIndex: number;
  modifyIndex: number;
}

export interface NodeRow {
  node: string;
  address: string;
  create_index: number;
  modify_index: number;
  checks_index: number;
}

export interface ServiceRow {
  node: string;
  id: string;
  name: string;
  tags: string;
  address: string;
  port: number;
  meta: string;
  create_index: number;
  modify_index: number;
}

export interface CheckRow {
  node: string;
  id: string;
  name: string;
  status: string;
  output: string;
  notes: string;
  service_id: string;
  service_name: string;
  type: string;
  definition: string;
  ttl_ms: number | null;
  expires_at: number | null;
  create_index: number;
  modify_index: number;
}

function json(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CorruptDataError(`the registry file holds a damaged ${what}; restore it from a backup`, { what }, { cause: err });
  }
}

const stringList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof v === 'object' && v !== null) for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

const STATUSES: readonly string[] = ['passing', 'warning', 'critical'];

/** The tags of a service row. */
export const tagsOf = (tags: string): string[] => stringList(json(tags, 'service tag list'));

export const toNode = (r: NodeRow): NodeRecord => ({ node: r.node, address: r.address, createIndex: r.create_index, modifyIndex: r.modify_index });

export const toService = (r: ServiceRow): ServiceRecord => ({
  node: r.node,
  id: r.id,
  name: r.name,
  tags: tagsOf(r.tags),
  address: r.address,
  port: r.port,
  meta: stringMap(json(r.meta, 'service meta')),
  createIndex: r.create_index,
  modifyIndex: r.modify_index,
});

export const toCheck = (r: CheckRow): CheckRecord => ({
  node: r.node,
  id: r.id,
  name: r.name,
  status: STATUSES.includes(r.status) ? (r.status as CheckStatus) : 'critical',
  output: r.output,
  notes: r.notes,
  serviceId: r.service_id,
  serviceName: r.service_name,
  type: r.type,
  definition: json(r.definition, 'check definition') as CheckDefinition,
  ttlMs: r.ttl_ms ?? undefined,
  expiresAt: r.expires_at ?? undefined,
  createIndex: r.create_index,
  modifyIndex: r.modify_index,
});
