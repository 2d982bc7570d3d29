import { nextBlockingIndex, type Registry } from '@envmgr/ports';

/** Where one passing instance of a registry service listens. */
export interface Endpoint {
  /** `<node>/<service id>`: stable while the instance lives. */
  id: string;
  address: string;
  port: number;
}

/** The passing instances of the registry names the routing table uses, kept current by blocking queries. */
export interface InstanceWatch {
  /**
   * Follows exactly `names` from now on: starts a blocking query loop for each new name and stops those of names no
   * longer given. Resolves once every new name has been read once, or after `firstReadMs`, whichever comes first.
   */
  follow(names: readonly string[]): Promise<void>;
  /** The passing instances of a followed name as last read; [] before its first read or for a name not followed. */
  endpoints(name: string): readonly Endpoint[];
  /** The names followed and their instance counts. */
  counts(): Record<string, number>;
  close(): void;
}

export interface InstanceWatchOptions {
  registry: Registry;
  /** Longest wait of one blocking query. @default 300000 (Consul's default) */
  waitMs?: number;
  /** Pause before reading again after a failed read. @default 1000 */
  retryMs?: number;
  /** How long `follow` waits for the first reads of new names. @default 2000 */
  firstReadMs?: number;
  onError?: (name: string, err: unknown) => void;
}

interface Watcher {
  controller: AbortController;
  endpoints: Endpoint[];
  firstRead: Promise<void>;
}

/** Follows `health/service/<name>?passing` of each name with Consul's blocking-query loop (no fixed polling). */
export function createInstanceWatch(opts: InstanceWatchOptions): InstanceWatch {
  const watchers = new Map<string, Watcher>();
  const waitMs = opts.waitMs ?? 300_000;
  const retryMs = opts.retryMs ?? 1000;

  function start(name: string): Watcher {
    const controller = new AbortController();
    let markRead: () => void = () => undefined;
    const w: Watcher = { controller, endpoints: [], firstRead: new Promise<void>((r) => (markRead = r)) };
    const loop = async () => {
      for (let index = 0; !controller.signal.aborted; ) {
        try {
          const r = await opts.registry.healthService(name, { passing: true, index, waitMs, signal: controller.signal });
          w.endpoints = r.value.map((h) => ({ id: `${h.node.node}/${h.service.id}`, address: h.service.address || h.node.address || '127.0.0.1', port: h.service.port }));
          index = nextBlockingIndex(index, r.index);
        } catch (err) {
          if (controller.signal.aborted) return;
          // the last instances read keep serving while the registry cannot be read
          opts.onError?.(name, err);
          index = 0;
          await pause(retryMs, controller.signal);
        } finally {
          markRead();
        }
      }
    };
    void loop();
    return w;
  }

  return {
    async follow(names) {
      const wanted = new Set(names);
      for (const [name, w] of watchers) {
        if (!wanted.has(name)) {
          w.controller.abort();
          watchers.delete(name);
        }
      }
      const fresh = [...wanted].filter((n) => !watchers.has(n)).map((n) => {
        const w = start(n);
        watchers.set(n, w);
        return w.firstRead;
      });
      if (fresh.length) await Promise.race([Promise.all(fresh), pause(opts.firstReadMs ?? 2000)]);
    },
    endpoints: (name) => watchers.get(name)?.endpoints ?? [],
    counts: () => Object.fromEntries([...watchers].map(([n, w]) => [n, w.endpoints.length])),
    close() {
      for (const w of watchers.values()) w.controller.abort();
      watchers.clear();
    },
  };
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
