import type { EmEvent, EventBus, NewEmEvent } from '@envmgr/ports';

/**
 * An event bus inside one EM process: subscribers are called on a later tick, so publishers never wait for them
 * and a throwing subscriber harms nobody. Keeps the last `keep` events for reconnecting clients.
 */
export function createInProcessEventBus(opts: { now: () => number; keep?: number }): EventBus {
  const keep = opts.keep ?? 1000;
  const buffer: EmEvent[] = [];
  const handlers = new Set<(e: EmEvent) => void>();
  let seq = 0;
  return {
    publish(input: NewEmEvent): EmEvent {
      seq += 1;
      const event: EmEvent = { ...input, id: String(seq), at: new Date(opts.now()).toISOString() };
      buffer.push(event);
      if (buffer.length > keep) buffer.splice(0, buffer.length - keep);
      for (const h of handlers) {
        queueMicrotask(() => {
          try {
            h(event);
          } catch {
            // a subscriber's failure is its own
          }
        });
      }
      return event;
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    since(afterId) {
      const n = afterId !== undefined ? Number(afterId) : Number.NaN;
      if (!Number.isInteger(n) || n > seq) return [...buffer];
      return buffer.filter((e) => Number(e.id) > n);
    },
  };
}
