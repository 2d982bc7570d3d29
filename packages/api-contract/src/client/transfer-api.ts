import { z } from 'zod';
import type { ConfigType } from '../config/entity-types.js';
import { ExportDocumentSchema, ImportResultSchema, type ExportDocument, type ImportResult } from '../config/export-import.js';
import { parseReply, type Send } from './transport.js';
import type { ImportRunOptions, ItemOf } from './types.js';

/** Export and import of whole configuration sets (backups, migrations from trainline/environment-manager). */
export interface TransferApi {
  /** Every item of the given types (all types when omitted), as one document. */
  exportConfig(types?: readonly ConfigType[]): Promise<ExportDocument>;
  /** Every item of one type as an EM-compatible JSON array, in key order. */
  exportResource<T extends ConfigType>(type: T): Promise<ItemOf<T>[]>;
  /**
   * Imports a document all-or-nothing. Throws ApiError `validation-failed` (400) with `problem.errors` listing every
   * problem; nothing is changed then. With `dryRun` the result lists the changes without making them.
   */
  importConfig(document: ExportDocument | Readonly<Record<string, unknown>>, options?: ImportRunOptions): Promise<ImportResult>;
  /** Imports an export array of trainline/environment-manager for one of its resource names (e.g. `deploymentmaps`). */
  importLegacy(resource: string, items: readonly unknown[], options?: ImportRunOptions): Promise<ImportResult>;
}

export function createTransferApi(send: Send): TransferApi {
  const importQuery = (o: ImportRunOptions) => ({ mode: o.mode ?? 'merge', dryRun: o.dryRun ?? false });
  return {
    async exportConfig(types) {
      const reply = await send({ method: 'GET', path: 'config/export', query: { types: types?.length ? types.join(',') : undefined } });
      return parseReply(reply, ExportDocumentSchema);
    },
    async exportResource<T extends ConfigType>(type: T) {
      const reply = await send({ method: 'GET', path: `config/export/${type}` });
      // Checked for shape; the server's objects are returned as sent (zod would reorder their fields).
      parseReply(reply, z.array(z.looseObject({ Version: z.number().int().min(1) })));
      return reply.body as ItemOf<T>[];
    },
    async importConfig(document, options = {}) {
      const reply = await send({ method: 'POST', path: 'config/import', query: importQuery(options), body: document });
      return parseReply(reply, ImportResultSchema);
    },
    async importLegacy(resource, items, options = {}) {
      const reply = await send({ method: 'PUT', path: `config/import/${encodeURIComponent(resource)}`, query: importQuery(options), body: items });
      return parseReply(reply, ImportResultSchema);
    },
  };
}
