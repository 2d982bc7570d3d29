import type { z } from 'zod';
import type { ConfigType } from '../config/entity-types.js';
import type { ENTITY_SCHEMAS } from '../config/entity-schemas.js';
import type { ImportMode } from '../config/export-import.js';

/** The data of a configuration item of type T, in EM's wire shape (PascalCase fields, the `Value` wrapper). */
export type ItemDataOf<T extends ConfigType = ConfigType> = z.output<(typeof ENTITY_SCHEMAS)[T]>;

/** A configuration item as the API returns it: its data plus the `Version` a later change must quote. */
export type ItemOf<T extends ConfigType = ConfigType> = ItemDataOf<T> & { Version: number };

/**
 * A create or update body. A document read from a file is accepted as a plain JSON object: the server validates
 * it and answers 400 listing every problem. A `Version` in it is not sent; the client sends `If-Match` instead.
 */
export type ItemBodyOf<T extends ConfigType = ConfigType> = (ItemDataOf<T> & { Version?: number }) | Readonly<Record<string, unknown>>;

/** An item together with its version (from `ETag`, which equals the item's `Version`). */
export interface VersionedItem<T extends ConfigType = ConfigType> {
  item: ItemOf<T>;
  version: number;
  requestId: string | undefined;
}

/** One page of a list; `nextCursor` is set when there are more. */
export interface ListPage<T> {
  items: T[];
  nextCursor: string | undefined;
  requestId: string | undefined;
}

export interface PagingOptions {
  /** Page size. @default 100 (the server's default) */
  limit?: number | undefined;
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor?: string | undefined;
}

export interface ListItemsQuery extends PagingOptions {
  /**
   * Filters by indexed attribute, e.g. `{ environmentType: 'Dev' }`. Per type: environments `environmentType`,
   * `cluster`; environment-ops `deploymentsLocked`, `inMaintenance` (`true`/`false`); services `cluster`; lb-settings
   * `environment`, `frontend`; upstreams `environment`, `service`.
   */
  filters?: Readonly<Record<string, string>> | undefined;
}

export interface AuditListQuery extends PagingOptions {
  entityType?: ConfigType | undefined;
  key?: string | undefined;
  actor?: string | undefined;
  /** ISO date-time, inclusive. @default 24 hours ago (server-side) */
  since?: string | undefined;
  /** ISO date-time, exclusive. @default now (server-side) */
  until?: string | undefined;
}

export interface ImportRunOptions {
  /** `replace` also deletes items of the document's types that it lacks. @default 'merge' */
  mode?: ImportMode | undefined;
  /** Report the changes without making them. @default false */
  dryRun?: boolean | undefined;
}

export interface HealthStatus {
  status: string;
}
