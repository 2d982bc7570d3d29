import { NotFoundError } from '@envmgr/domain';
import { defaultCheckId, defaultCheckName, type CheckRegistration, type CheckStatus, type ServiceRegistration } from '@envmgr/ports';
import type { WriteContext, Writer } from './changes.js';
import type { CheckRow } from './catalog-rows.js';
import type { CatalogStatements } from './catalog-statements.js';

/** The node an agent operation acts for. */
export interface NodeIdentity {
  name: string;
  address: string;
}

/** A TTL report on a check that is not a TTL check (Consul answers 500 with this text; the port says not found). */
export class NotTtlCheckError extends NotFoundError {
  constructor(checkId: string) {
    super('TTL check', checkId, { reason: `CheckID "${checkId}" does not have associated TTL` });
  }
}

export const MAINTENANCE_PREFIX = '_service_maintenance:';
const DEFAULT_MAINTENANCE_REASON = 'Maintenance mode is enabled for this service, but no reason was provided. This is a default message.';
// Consul keeps at most 4 KiB of a check's output
const OUTPUT_MAX = 4096;

function truncate(output: string): string {
  return output.length <= OUTPUT_MAX ? output : `${output.slice(0, OUTPUT_MAX)} ... (captured ${OUTPUT_MAX} of ${output.length} bytes)`;
}

/** Consul's output for an expired TTL check. */
export function expiredOutput(last: string): string {
  return last === '' ? 'TTL expired' : `TTL expired (last output before timeout follows): ${last}`;
}

function definitionOf(c: CheckRegistration): string {
  if (c.type === 'ttl') return '{}';
  const timing = { intervalMs: c.intervalMs, ...(c.timeoutMs ? { timeoutMs: c.timeoutMs } : {}) };
  if (c.type === 'http') return JSON.stringify({ url: c.url, ...timing, ...(c.tlsSkipVerify ? { tlsSkipVerify: true } : {}) });
  return JSON.stringify({ args: c.args, ...timing });
}

export type AgentWrites = ReturnType<typeof createAgentWrites>;

/**
 * The agent endpoints' writes, each for one node. `now` is the clock; `ttlChanged` is called after a write that
 * changed a TTL deadline so that the expiry timer can be re-armed.
 */
export function createAgentWrites(st: CatalogStatements, writer: Writer, now: () => number, ttlChanged: () => void) {
  /** Marks a change of a service name's instances or checks, and of a node's checks. */
  function changed(w: WriteContext, node: string, names: string[]): void {
    const index = w.index();
    for (const name of new Set(names)) {
      if (name === '') continue;
      st.touchName.run(name, index);
      w.events.push({ kind: 'service', name });
    }
    st.touchNodeChecks.run(index, node);
    w.events.push({ kind: 'node', node });
  }

  function ensureNode(w: WriteContext, node: NodeIdentity): void {
    const row = st.node.get(node.name);
    if (row && row.address === node.address) return;
    const index = w.index();
    if (row) st.setNodeAddress.run(node.address, index, node.name);
    else st.insertNode.run(node.name, node.address, index, index, index);
    w.touch('nodes_index');
    // the node's address shows in every entry of its services
    changed(w, node.name, st.servicesOfNode.all(node.name).map((s) => s.name));
  }

  function putCheck(w: WriteContext, node: string, reg: ServiceRegistration, c: CheckRegistration, position: number, previous: CheckRow | undefined): void {
    const id = c.id || defaultCheckId(reg.id, position, reg.checks?.length ?? 0);
    st.deleteCheck.run(node, id);
    const ttlMs = c.type === 'ttl' ? c.ttlMs : null;
    const index = w.index();
    st.insertCheck.run(
      node, id, c.name || defaultCheckName(reg.name),
      // a check registered again keeps its state, as Consul restores it from its snapshot
      previous?.status ?? c.status ?? 'critical', previous?.output ?? '',
      c.notes ?? '', reg.id, reg.name, c.type, definitionOf(c),
      ttlMs, ttlMs === null ? null : now() + ttlMs,
      previous?.create_index ?? index, index,
    );
  }

  function setState(w: WriteContext, row: CheckRow, status: CheckStatus, output: string, expiresAt: number | null): void {
    st.setCheckState.run(status, output, expiresAt, w.index(), row.node, row.id);
    changed(w, row.node, [row.service_name]);
  }

  return {
    register(node: NodeIdentity, reg: ServiceRegistration): void {
      writer.write((w) => {
        ensureNode(w, node);
        const previous = st.service.get(node.name, reg.id);
        const index = w.index();
        st.upsertService.run(
          node.name, reg.id, reg.name, JSON.stringify(reg.tags ?? []), reg.address ?? '', reg.port ?? 0,
          JSON.stringify(reg.meta ?? {}), previous?.create_index ?? index, index,
        );
        const checks = reg.checks ?? [];
        // checks that stay keep their state; read them before the service's old set is dropped
        const kept = checks.map((c, i) => st.check.get(node.name, c.id || defaultCheckId(reg.id, i, checks.length)));
        st.deleteChecksOfService.run(node.name, reg.id);
        checks.forEach((c, i) => putCheck(w, node.name, reg, c, i, kept[i]));
        w.touch('services_index');
        changed(w, node.name, [reg.name, previous?.name ?? '']);
      });
      ttlChanged();
    },

    deregister(node: string, serviceId: string): boolean {
      const removed = writer.write((w) => {
        const previous = st.service.get(node, serviceId);
        if (!previous) return false;
        st.deleteService.run(node, serviceId);
        st.deleteChecksOfService.run(node, serviceId);
        w.touch('services_index');
        changed(w, node, [previous.name]);
        return true;
      });
      if (removed) ttlChanged();
      return removed;
    },

    /** A TTL report: restarts the TTL; takes an index only when status or output change. */
    report(node: string, checkId: string, status: CheckStatus, note: string): void {
      writer.write((w) => {
        const row = st.check.get(node, checkId);
        if (!row) throw new NotFoundError('check', checkId, { reason: `Unknown check ID "${checkId}". Ensure that the check ID is passed, not the check name.` });
        if (row.type !== 'ttl' || row.ttl_ms === null) throw new NotTtlCheckError(checkId);
        const output = truncate(note);
        const expiresAt = now() + row.ttl_ms;
        if (row.status === status && row.output === output) st.setCheckExpiry.run(expiresAt, node, checkId);
        else setState(w, row, status, output, expiresAt);
      });
      ttlChanged();
    },

    maintenance(node: string, serviceId: string, enable: boolean, reason: string | undefined): void {
      writer.write((w) => {
        const service = st.service.get(node, serviceId);
        if (!service) throw new NotFoundError('service', serviceId, { reason: `No service registered with ID "${serviceId}"` });
        const id = `${MAINTENANCE_PREFIX}${serviceId}`;
        const existing = st.check.get(node, id);
        if (enable === Boolean(existing)) return;
        const index = w.index();
        if (enable) {
          st.insertCheck.run(
            node, id, 'Service Maintenance Mode', 'critical', '', reason || DEFAULT_MAINTENANCE_REASON,
            serviceId, service.name, 'maintenance', '{}', null, null, index, index,
          );
        } else st.deleteCheck.run(node, id);
        changed(w, node, [service.name]);
      });
    },

    /** Turns every TTL check whose deadline passed critical. */
    expireDue(): void {
      writer.write((w) => {
        for (const row of st.expired.all(now())) {
          const output = row.status === 'critical' && row.output.startsWith('TTL expired') ? row.output : expiredOutput(row.output);
          if (row.status === 'critical' && row.output === output) st.setCheckExpiry.run(null, row.node, row.id);
          else setState(w, row, 'critical', output, null);
        }
      });
    },

    /** The earliest TTL deadline, if any. */
    nextExpiry: (): number | undefined => st.nextExpiry.get()?.at ?? undefined,
  };
}
