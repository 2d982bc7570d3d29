import { auditDigestMaterial, checkLink, GENESIS_HASH, type AuditRecord } from '@envmgr/domain';
import type { AuditQuery } from '@envmgr/ports';
import type { ConfigDeps } from '../context.js';
import type { Page } from '../config/read-items.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What only administrators may read in full (users and permission sets, like their items). */
const PRIVATE_TYPES = ['users', 'permissions'];

/** A record as a non-administrator may see it: the change is visible, a private item's content is not. */
export function redactAudit(record: AuditRecord, isAdmin: boolean): AuditRecord {
  return isAdmin || !PRIVATE_TYPES.includes(record.entityType) ? record : { ...record, before: null, after: null };
}

/** Audit records newest first; without a time range, the last 24 hours. */
export async function queryAudit(
  deps: Pick<ConfigDeps, 'store' | 'clock'>,
  q: Omit<AuditQuery, 'limit'> & { limit: number },
): Promise<Page<AuditRecord, number>> {
  const since = q.since ?? (q.until === undefined ? new Date(deps.clock.now() - DAY_MS).toISOString() : undefined);
  const rows = await deps.store.queryAudit({ ...q, ...(since !== undefined ? { since } : {}), limit: q.limit + 1 });
  const items = rows.slice(0, q.limit);
  return { items, next: rows.length > q.limit ? items[items.length - 1]?.seq : undefined };
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  brokenAt?: { seq: number; reason: string };
}

/** Walks the whole audit chain in order and reports the first record whose link does not hold. */
export async function verifyAuditChain(deps: Pick<ConfigDeps, 'store' | 'hasher'>, pageSize = 5000): Promise<ChainVerification> {
  let prev = { seq: 0, hash: GENESIS_HASH };
  let checked = 0;
  for (;;) {
    const page = await deps.store.auditChain(prev.seq, pageSize);
    for (const r of page) {
      const link = checkLink(prev, r, deps.hasher.sha256(auditDigestMaterial(r)));
      if (!link.ok) return { ok: false, checked, brokenAt: { seq: link.seq, reason: link.reason } };
      checked++;
      prev = { seq: r.seq, hash: r.hash };
    }
    if (page.length < pageSize) return { ok: true, checked };
  }
}
