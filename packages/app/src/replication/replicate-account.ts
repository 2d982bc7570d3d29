import { DomainError, ENTITY_TYPES, itemFacts, jsonEqual, type ConfigItem, type EntityType } from '@envmgr/domain';
import type { ChangeContext, ConfigChange, ConfigStore } from '@envmgr/ports';
import { listAll } from '../config/export-config.js';
import { REPLICATED_TYPES } from './replication-deps.js';

/** How many items one pass created, updated, deleted and left alone in an account, and the commits it took. */
export interface ReplicaPass {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  commits: number;
}

/** Changes per commit when a pass is too large for one transaction; halved while a commit is still too large. */
const FIRST_CHUNK = 32;

/**
 * Makes the replicated types of `replica` equal to `master`'s: items the replica lacks are created at the master's
 * version, items whose data differs are updated, items the master no longer has are deleted, and items that match
 * are not written at all (so a pass over an account in step writes nothing). Data is compared, not versions: an
 * updated replica item's version is its own (a store sets it), which is why a replica's versions may trail the master's.
 */
export async function replicateAccount(master: ConfigStore, replica: ConfigStore, ctx: ChangeContext): Promise<ReplicaPass> {
  const pass: ReplicaPass = { created: 0, updated: 0, deleted: 0, unchanged: 0, commits: 0 };
  const writes: ConfigChange[] = [];
  const deletes: ConfigChange[] = [];
  for (const type of REPLICATED_TYPES) {
    const [source, target] = await Promise.all([listAll(master, type), listAll(replica, type)]);
    const present = new Map(target.map((i) => [i.key, i]));
    for (const item of source) {
      const copy = present.get(item.key);
      present.delete(item.key);
      if (copy && jsonEqual(copy.data, item.data)) pass.unchanged++;
      else writes.push(writeOf(type, item, copy));
    }
    for (const gone of present.values()) deletes.push({ op: 'delete', type, key: gone.key, expectedVersion: gone.version });
  }
  for (const w of writes) pass[w.op === 'create' ? 'created' : 'updated']++;
  pass.deleted = deletes.length;
  // referrers are deleted before what they refer to
  const rank = (t: EntityType) => ENTITY_TYPES.indexOf(t);
  deletes.sort((a, b) => rank(b.type) - rank(a.type));
  pass.commits = await commitInChunks(replica, [...writes, ...deletes], ctx);
  return pass;
}

function writeOf(type: EntityType, item: ConfigItem, copy: ConfigItem | undefined): ConfigChange {
  return copy
    ? { op: 'update', type, key: item.key, data: item.data, expectedVersion: copy.version, ...itemFacts(type, item.data) }
    : { op: 'create', type, key: item.key, data: item.data, version: item.version, ...itemFacts(type, item.data) };
}

/**
 * Commits every change at once (the store checks references and claims on the whole batch, so any order is valid);
 * a store that refuses it as `too-large` (DynamoDB: 100 writes) gets it in chunks, in order: referenced types first,
 * deletions last with referrers first, so each chunk is valid on its own. A failed chunk leaves the earlier ones in
 * place; the next pass finishes the job.
 */
async function commitInChunks(store: ConfigStore, changes: ConfigChange[], ctx: ChangeContext): Promise<number> {
  if (changes.length === 0) return 0;
  let size = changes.length;
  let commits = 0;
  for (let at = 0; at < changes.length; ) {
    const chunk = changes.slice(at, at + size);
    try {
      await store.commit(chunk, ctx);
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'too-large' && size > 1) {
        size = Math.max(1, Math.min(FIRST_CHUNK, Math.floor(size / 2)));
        continue;
      }
      throw err;
    }
    at += chunk.length;
    commits++;
  }
  return commits;
}
