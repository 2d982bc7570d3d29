import type { CatalogServiceSummary } from '@envmgr/ports';
import type { HealthEntry, ServiceEntry } from '../engine/catalog-reads.js';
import type { CheckRecord, NodeRecord, ServiceRecord } from '../engine/catalog-rows.js';
import type { KvRecord } from '../engine/kv-engine.js';
import { formatGoDuration } from './go-duration.js';

// Records rendered in the JSON shapes of Consul's HTTP API, with the fields Consul clients commonly read.
// The built-in registry has one datacenter and no node ids or tagged addresses.

const DATACENTER = 'dc1';

/** A KV entry: `Value` is base64, and null for an empty value (Consul cannot tell empty from absent). */
export function kvEntryJson(r: KvRecord): Record<string, unknown> {
  return {
    LockIndex: 0,
    Key: r.key,
    Flags: r.flags,
    Value: r.value.length === 0 ? null : r.value.toString('base64'),
    CreateIndex: r.createIndex,
    ModifyIndex: r.modifyIndex,
  };
}

export function serviceMapJson(services: CatalogServiceSummary[]): Record<string, string[]> {
  return Object.fromEntries(services.map((s) => [s.name, s.tags]));
}

export function nodeJson(n: NodeRecord): Record<string, unknown> {
  return {
    ID: '',
    Node: n.node,
    Address: n.address,
    Datacenter: DATACENTER,
    TaggedAddresses: {},
    Meta: {},
    CreateIndex: n.createIndex,
    ModifyIndex: n.modifyIndex,
  };
}

export function catalogServiceJson(e: ServiceEntry): Record<string, unknown> {
  const s = e.service;
  return {
    ID: '',
    Node: e.node.node,
    Address: e.node.address,
    Datacenter: DATACENTER,
    TaggedAddresses: {},
    NodeMeta: {},
    ServiceKind: '',
    ServiceID: s.id,
    ServiceName: s.name,
    ServiceTags: s.tags,
    ServiceAddress: s.address,
    ServiceMeta: s.meta,
    ServicePort: s.port,
    ServiceEnableTagOverride: false,
    CreateIndex: s.createIndex,
    ModifyIndex: s.modifyIndex,
  };
}

function agentServiceJson(s: ServiceRecord): Record<string, unknown> {
  return {
    ID: s.id,
    Service: s.name,
    Tags: s.tags,
    Address: s.address,
    Meta: s.meta,
    Port: s.port,
    EnableTagOverride: false,
    CreateIndex: s.createIndex,
    ModifyIndex: s.modifyIndex,
  };
}

function definitionJson(c: CheckRecord): Record<string, unknown> {
  const d = c.definition;
  return {
    ...(d.url ? { HTTP: d.url } : {}),
    ...(d.tlsSkipVerify ? { TLSSkipVerify: true } : {}),
    ...(d.args ? { ScriptArgs: d.args } : {}),
    ...(d.intervalMs ? { Interval: formatGoDuration(d.intervalMs) } : {}),
    ...(d.timeoutMs ? { Timeout: formatGoDuration(d.timeoutMs) } : {}),
  };
}

export function checkJson(c: CheckRecord, serviceTags: string[] = []): Record<string, unknown> {
  return {
    Node: c.node,
    CheckID: c.id,
    Name: c.name,
    Status: c.status,
    Notes: c.notes,
    Output: c.output,
    ServiceID: c.serviceId,
    ServiceName: c.serviceName,
    ServiceTags: serviceTags,
    Type: c.type,
    Definition: definitionJson(c),
    CreateIndex: c.createIndex,
    ModifyIndex: c.modifyIndex,
  };
}

export function healthEntryJson(e: HealthEntry): Record<string, unknown> {
  return {
    Node: nodeJson(e.node),
    Service: agentServiceJson(e.service),
    Checks: e.checks.map((c) => checkJson(c, c.serviceId === e.service.id ? e.service.tags : [])),
  };
}
