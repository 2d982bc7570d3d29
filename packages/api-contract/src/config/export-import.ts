import { z } from 'zod';
import { CONFIG_TYPES, ConfigTypeSchema, type ConfigType } from './entity-types.js';
import { ENTITY_SCHEMAS } from './entity-schemas.js';

export const EXPORT_FORMAT = 'envmgr-config';
export const EXPORT_FORMAT_VERSION = 1;
/** Versions are counters of writes; this bound keeps them exact in every JSON reader. */
export const MAX_VERSION = 2 ** 31 - 1;

/** An item as the API returns it: its data plus `Version`. */
export function wireSchema<T extends ConfigType>(type: T) {
  return ENTITY_SCHEMAS[type].extend({ Version: z.number().int().min(1).max(MAX_VERSION) });
}

/** A create or update body: the item's data; `Version` is optional (on update it stands for `expected-version`). */
export function bodySchema<T extends ConfigType>(type: T) {
  return ENTITY_SCHEMAS[type].extend({ Version: z.number().int().min(1).max(MAX_VERSION).optional() });
}

const itemsShape = Object.fromEntries(CONFIG_TYPES.map((t) => [t, z.array(wireSchema(t)).optional()])) as {
  [T in ConfigType]: z.ZodOptional<z.ZodArray<ReturnType<typeof wireSchema<T>>>>;
};

/** EM's backup and migration document: every item of every (or some) configuration type, in key order. */
export const ExportDocumentSchema = z
  .strictObject({
    format: z.literal(EXPORT_FORMAT),
    formatVersion: z.literal(EXPORT_FORMAT_VERSION),
    items: z.strictObject(itemsShape),
  })
  .meta({ id: 'ExportDocument' });
export type ExportDocument = z.infer<typeof ExportDocumentSchema>;

export const ImportModeSchema = z.enum(['merge', 'replace']).meta({
  description: 'merge: create and update the given items; replace: also delete items of the given types that the document lacks',
});
export type ImportMode = z.infer<typeof ImportModeSchema>;

export const ImportQuerySchema = z.object({
  mode: ImportModeSchema.default('merge'),
  dryRun: z.enum(['true', 'false']).default('false').meta({ description: 'true: report the changes without making them' }),
});

export const ImportChangeSchema = z.object({
  op: z.enum(['create', 'update', 'delete', 'unchanged']),
  type: ConfigTypeSchema,
  key: z.string(),
  fromVersion: z.number().int().optional(),
  toVersion: z.number().int().optional(),
});

export const ImportResultSchema = z
  .object({
    dryRun: z.boolean(),
    mode: ImportModeSchema,
    summary: z.object({ create: z.number().int(), update: z.number().int(), delete: z.number().int(), unchanged: z.number().int() }),
    changes: z.array(ImportChangeSchema),
  })
  .meta({ id: 'ImportResult' });
export type ImportResult = z.infer<typeof ImportResultSchema>;
