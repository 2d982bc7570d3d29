import { convertLegacyExport, LEGACY_RESOURCES } from '@envmgr/api-contract';
import { NotFoundError, ValidationError, type EntityType, type JsonObject } from '@envmgr/domain';
import type { ImportItem } from '@envmgr/app';

/** Turns an export array of trainline/environment-manager into import items, or a 400 listing every problem. */
export function legacyImportItems(resource: string, input: unknown[]): Partial<Record<EntityType, ImportItem[]>> {
  if (!Object.hasOwn(LEGACY_RESOURCES, resource.trim().toLowerCase())) {
    throw new NotFoundError('legacy resource', resource, { known: Object.keys(LEGACY_RESOURCES) });
  }
  const converted = convertLegacyExport(resource, input);
  if (!converted.ok) throw new ValidationError(converted.errors);
  // the converter validated every item against its entity schema, so each is a JSON object
  return { [converted.type]: converted.items.map((i) => toImportItem(i as JsonObject)) };
}

/** A wire document split into data and the Version it was exported at. */
export function toImportItem(wire: JsonObject): ImportItem {
  const { Version, ...data } = wire;
  return { data, version: typeof Version === 'number' ? Version : undefined };
}
