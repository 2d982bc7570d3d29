import { z } from 'zod';
import { ConfigTypeSchema } from '../config/entity-types.js';

const JsonObjectSchema = z.record(z.string(), z.unknown());

export const AuditRecordSchema = z
  .object({
    seq: z.number().int().min(1),
    at: z.string().meta({ format: 'date-time' }),
    actor: z.string(),
    requestId: z.string(),
    entityType: ConfigTypeSchema,
    key: z.string(),
    changeType: z.enum(['Created', 'Updated', 'Deleted']),
    before: JsonObjectSchema.nullable(),
    after: JsonObjectSchema.nullable(),
    version: z.number().int(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditRecord' });
export type AuditRecordDto = z.infer<typeof AuditRecordSchema>;

export const AuditQuerySchema = z.object({
  entityType: ConfigTypeSchema.optional(),
  key: z.string().max(1024).optional(),
  actor: z.string().max(256).optional(),
  since: z.iso.datetime({ offset: true }).optional().meta({ description: 'inclusive; default: 24 hours ago' }),
  until: z.iso.datetime({ offset: true }).optional().meta({ description: 'exclusive; default: now' }),
});

export const AuditVerifySchema = z
  .object({
    ok: z.boolean(),
    checked: z.number().int().meta({ description: 'records checked' }),
    brokenAt: z.object({ seq: z.number().int(), reason: z.string() }).optional(),
  })
  .meta({ id: 'AuditVerification' });
export type AuditVerification = z.infer<typeof AuditVerifySchema>;

export const RevertSchema = z.strictObject({ version: z.number().int().min(1).meta({ description: 'the version to restore' }) }).meta({ id: 'RevertRequest' });
