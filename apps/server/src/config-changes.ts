import type { EntityType } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';

/** Hears of every configuration commit of this process, after it succeeded. */
export interface ConfigChanges {
  /** Calls `listener` with the types a commit changed; returns the function that stops it. */
  subscribe(listener: (types: ReadonlySet<EntityType>) => void): () => void;
}

/**
 * Wraps a config store so that each successful commit is announced to subscribers (the edge router follows LB
 * settings and upstreams this way). Every write of EM, the API's, imports, reverts and toggles, goes through
 * `commit`, so nothing of this process is missed; writes of another process on the same store are not seen (the
 * router re-reads on a timer for those). A failing listener never fails the commit.
 */
export function announceCommits(store: ConfigStore): { store: ConfigStore; changes: ConfigChanges } {
  const listeners = new Set<(types: ReadonlySet<EntityType>) => void>();
  const wrapped: ConfigStore = {
    get: (type, key) => store.get(type, key),
    list: (type, query) => store.list(type, query),
    referrers: (target, limit) => store.referrers(target, limit),
    queryAudit: (query) => store.queryAudit(query),
    auditChain: (afterSeq, limit) => store.auditChain(afterSeq, limit),
    close: () => store.close(),
    async commit(changes, ctx) {
      const result = await store.commit(changes, ctx);
      const types = new Set(changes.map((c) => c.type));
      for (const l of listeners) {
        try {
          l(types);
        } catch {
          // a subscriber's failure is its own; the commit has happened
        }
      }
      return result;
    },
  };
  return {
    store: wrapped,
    changes: {
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
  };
}
