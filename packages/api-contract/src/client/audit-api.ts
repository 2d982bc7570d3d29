import { z } from 'zod';
import { AuditRecordSchema, AuditVerifySchema, type AuditRecordDto, type AuditVerification } from '../audit/audit-record.js';
import { paginate, toPage } from './paging.js';
import { parseReply, type Send } from './transport.js';
import type { AuditListQuery, HealthStatus, ListPage } from './types.js';

/** The change audit and the server's health. */
export interface AuditApi {
  /** One page of audit records, newest first; without `since` the server shows the last 24 hours. */
  audit(query?: AuditListQuery): Promise<ListPage<AuditRecordDto>>;
  /** Every audit record matching the query, newest first. */
  auditAll(query?: AuditListQuery): AsyncGenerator<AuditRecordDto, void, undefined>;
  /** Checks the audit hash chain; `ok: false` names the first broken record. */
  verifyAudit(): Promise<AuditVerification>;
  /** Resolves when the server answers its health check. */
  health(): Promise<HealthStatus>;
}

const HealthSchema = z.looseObject({ status: z.string() });

export function createAuditApi(send: Send): AuditApi {
  const audit = async (query: AuditListQuery = {}): Promise<ListPage<AuditRecordDto>> => {
    const { entityType, key, actor, since, until, limit, cursor } = query;
    const reply = await send({ method: 'GET', path: 'audit', query: { entityType, key, actor, since, until, limit, cursor } });
    return toPage(reply, AuditRecordSchema);
  };
  return {
    audit,
    auditAll: (query = {}) => paginate((cursor) => audit({ ...query, cursor }), { label: 'GET audit', firstCursor: query.cursor }),
    async verifyAudit() {
      return parseReply(await send({ method: 'GET', path: 'audit/verify' }), AuditVerifySchema);
    },
    async health() {
      return parseReply(await send({ method: 'GET', path: 'diagnostics/healthcheck' }), HealthSchema);
    },
  };
}
