import { z } from 'zod';
import { AuditRecordSchema, type AuditRecordDto } from '../audit/audit-record.js';
import { itemPath, type ConfigType } from '../config/entity-types.js';
import { paginate, toPage } from './paging.js';
import { parseReply, type Reply, type Send } from './transport.js';
import type { ItemBodyOf, ItemOf, ListItemsQuery, ListPage, PagingOptions, VersionedItem } from './types.js';

/** Configuration items: CRUD with optimistic concurrency, history and revert. */
export interface ConfigApi {
  /** One page of items of a type, in key order. */
  list<T extends ConfigType>(type: T, query?: ListItemsQuery): Promise<ListPage<ItemOf<T>>>;
  /** Every item of a type, fetching page after page (`limit` is the page size). */
  listAll<T extends ConfigType>(type: T, query?: ListItemsQuery): AsyncGenerator<ItemOf<T>, void, undefined>;
  /** One item and its version. Throws ApiError `not-found` (404) when it does not exist. */
  get<T extends ConfigType>(type: T, key: string): Promise<VersionedItem<T>>;
  /** Creates an item at version 1. Throws ApiError `already-exists` (409), `validation-failed` (400). */
  create<T extends ConfigType>(type: T, item: ItemBodyOf<T>): Promise<VersionedItem<T>>;
  /**
   * Replaces an item, sending `If-Match: "<expectedVersion>"`. Throws ApiError `version-conflict` (409) when the
   * item changed since that version, `not-found` (404), `validation-failed` (400).
   */
  update<T extends ConfigType>(type: T, key: string, item: ItemBodyOf<T>, expectedVersion: number): Promise<VersionedItem<T>>;
  /** Deletes an item, sending `If-Match`. Throws ApiError `version-conflict`, `still-referenced` (409), `not-found`. */
  remove(type: ConfigType, key: string, expectedVersion: number): Promise<void>;
  /** One page of an item's audit records, newest first. */
  history(type: ConfigType, key: string, query?: PagingOptions): Promise<ListPage<AuditRecordDto>>;
  /** Every audit record of an item, newest first. */
  historyAll(type: ConfigType, key: string, query?: PagingOptions): AsyncGenerator<AuditRecordDto, void, undefined>;
  /**
   * Writes a new version whose data equals version `toVersion`'s; `expectedVersion` is the CURRENT version.
   * Throws ApiError `version-conflict` (409), `not-found` (404, also when `toVersion` never existed).
   */
  revert<T extends ConfigType>(type: T, key: string, versions: { toVersion: number; expectedVersion: number }): Promise<VersionedItem<T>>;
}

// Items are validated by the server against the contract's entity schemas when written; here only the part the
// client relies on is checked, so fields the server adds on read do not break older clients.
const WireItemSchema = z.looseObject({ Version: z.number().int().min(1) });

export function createConfigApi(send: Send): ConfigApi {
  const list = async <T extends ConfigType>(type: T, query: ListItemsQuery = {}): Promise<ListPage<ItemOf<T>>> => {
    const reply = await send({ method: 'GET', path: `config/${type}`, query: { ...query.filters, limit: query.limit, cursor: query.cursor } });
    // Checked, but the server's own objects are returned: zod would move `Version` to the front.
    return { ...toPage(reply, WireItemSchema), items: reply.body as ItemOf<T>[] };
  };
  const history = async (type: ConfigType, key: string, query: PagingOptions = {}): Promise<ListPage<AuditRecordDto>> => {
    const reply = await send({ method: 'GET', path: `config/${itemPath(type, key)}/history`, query: { limit: query.limit, cursor: query.cursor } });
    return toPage(reply, AuditRecordSchema);
  };
  return {
    list,
    listAll: (type, query = {}) => paginate((cursor) => list(type, { ...query, cursor }), { label: `GET config/${type}`, firstCursor: query.cursor }),
    async get(type, key) {
      return toVersioned(await send({ method: 'GET', path: `config/${itemPath(type, key)}` }));
    },
    async create(type, item) {
      return toVersioned(await send({ method: 'POST', path: `config/${type}`, body: withoutVersion(item) }));
    },
    async update(type, key, item, expectedVersion) {
      const reply = await send({ method: 'PUT', path: `config/${itemPath(type, key)}`, headers: ifMatch(expectedVersion), body: withoutVersion(item) });
      return toVersioned(reply);
    },
    async remove(type, key, expectedVersion) {
      await send({ method: 'DELETE', path: `config/${itemPath(type, key)}`, headers: ifMatch(expectedVersion) });
    },
    history,
    historyAll: (type, key, query = {}) =>
      paginate((cursor) => history(type, key, { ...query, cursor }), { label: `GET config/${itemPath(type, key)}/history`, firstCursor: query.cursor }),
    async revert(type, key, { toVersion, expectedVersion }) {
      const reply = await send({ method: 'POST', path: `config/${itemPath(type, key)}/revert`, headers: ifMatch(expectedVersion), body: { version: toVersion } });
      return toVersioned(reply);
    },
  };
}

function ifMatch(version: number): Record<string, string> {
  return { 'if-match': `"${version}"` };
}

/** The header is the one source of the expected version, so a stale `Version` in the body cannot contradict it. */
function withoutVersion(item: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([k]) => k !== 'Version'));
}

function toVersioned<T extends ConfigType>(reply: Reply): VersionedItem<T> {
  const { Version } = parseReply(reply, WireItemSchema);
  const etag = /^(?:W\/)?"(\d+)"$/.exec(reply.headers.get('etag') ?? '');
  return { item: reply.body as ItemOf<T>, version: etag?.[1] ? Number(etag[1]) : Version, requestId: reply.requestId };
}
