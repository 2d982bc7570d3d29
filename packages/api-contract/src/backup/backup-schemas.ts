import { z } from 'zod';
import { ConfigTypeSchema } from '../config/entity-types.js';
import { ImportResultSchema } from '../config/export-import.js';

const BackupFileSchema = z.object({ key: z.string(), sha256: z.string(), sizeBytes: z.number().int() });

/** One backup as `envmgr backups` lists it: its manifest. */
export const BackupSchema = z
  .object({
    id: z.string().meta({ description: 'the backup id, its UTC time: 20260301T030000Z (a second one in the same second gets -2)' }),
    format: z.literal('envmgr-backup'),
    formatVersion: z.number().int(),
    createdAt: z.string(),
    createdBy: z.string().meta({ description: 'the administrator who asked for it, or system:backup for the nightly job' }),
    configFormatVersion: z.number().int().meta({ description: 'formatVersion of the export document in config.json' }),
    items: z.partialRecord(ConfigTypeSchema, z.number().int()),
    auditRecords: z.number().int(),
    auditHeadSeq: z.number().int(),
    files: z.object({ config: BackupFileSchema, audit: BackupFileSchema }),
  })
  .meta({ id: 'Backup' });
export type BackupDto = z.infer<typeof BackupSchema>;

export const BackupListSchema = z.array(BackupSchema);

export const BackupCreatedSchema = z
  .object({ backup: BackupSchema, pruned: z.array(z.string()).meta({ description: 'older backups deleted to keep the retention count' }) })
  .meta({ id: 'BackupCreated' });
export type BackupCreatedDto = z.infer<typeof BackupCreatedSchema>;

export const RestoreQuerySchema = z.object({
  dryRun: z.enum(['true', 'false']).default('false').meta({ description: 'true: report what the restore would change, change nothing' }),
});

export const RestoreResultSchema = ImportResultSchema.extend({
  backup: BackupSchema,
  commits: z.number().int().meta({ description: 'commits the restore took (more than 1 when the store could not take it in one transaction)' }),
}).meta({ id: 'RestoreResult' });
export type RestoreResultDto = z.infer<typeof RestoreResultSchema>;
