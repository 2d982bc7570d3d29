import { NotFoundError, type EntityType } from '@envmgr/domain';
import type { ImportItem } from '@envmgr/app';

/** Turns an EM export array into import items, or a 400 listing every problem. */
export function legacyImportItems(resource: string, input: unknown[]): Partial<Record<EntityType, ImportItem[]>> {
  void input; // TODO(#3): wire the legacy converter of api-contract
  throw new NotFoundError('legacy resource', resource);
}
