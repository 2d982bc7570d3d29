import { describe, expect, it } from 'vitest';
import { auditDigestMaterial, checkLink, GENESIS_HASH, type AuditRecord } from './audit-record.js';

const rec = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  seq: 1, at: '2026-01-01T00:00:00.000Z', actor: 'a', requestId: 'r', entityType: 'clusters', key: 'k', changeType: 'Created',
  before: null, after: { b: 1, a: 2 }, version: 1, prevHash: GENESIS_HASH, hash: 'h', ...over,
});

describe('audit chain', () => {
  it('digests every field but the hash, in canonical key order', () => {
    expect(auditDigestMaterial(rec({ hash: 'x' }))).toBe(auditDigestMaterial(rec({ hash: 'y', after: { a: 2, b: 1 } })));
    expect(auditDigestMaterial(rec())).not.toBe(auditDigestMaterial(rec({ actor: 'b' })));
  });

  it.each([
    [{ seq: 0, hash: GENESIS_HASH }, rec(), 'h', true],
    [{ seq: 0, hash: GENESIS_HASH }, rec({ seq: 2 }), 'h', 'record 1 is missing'],
    [{ seq: 0, hash: 'other' }, rec(), 'h', 'prevHash does not match the previous record'],
    [{ seq: 0, hash: GENESIS_HASH }, rec(), 'different', 'the record was changed after it was written'],
  ] as const)('link after %j', (prev, r, digest, expected) => {
    const res = checkLink(prev, r, digest);
    expect(res.ok ? true : res.reason).toBe(expected);
  });
});
