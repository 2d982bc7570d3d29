import { effectiveWaitMs, type ReadOptions } from '@envmgr/ports';
import type { ChangeEvent } from './changes.js';

/** What a blocking read watches. */
export type Topic =
  | { kind: 'key'; key: string }
  | { kind: 'prefix'; prefix: string }
  | { kind: 'service'; name: string }
  | { kind: 'node'; node: string }
  | { kind: 'services' }
  | { kind: 'nodes' };

/** Timers as an option, so that tests drive TTL expiry and waits without sleeping. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's timers, unref'd: a pending wait or TTL never keeps a process alive by itself. */
export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, Math.min(ms, 2 ** 31 - 1)).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

function matches(topic: Topic, e: ChangeEvent): boolean {
  switch (topic.kind) {
    case 'key':
      return e.kind === 'kv' && e.key === topic.key;
    case 'prefix':
      return e.kind === 'kv' && e.key.startsWith(topic.prefix);
    case 'service':
      return e.kind === 'service' && e.name === topic.name;
    case 'node':
      return e.kind === 'node' && e.node === topic.node;
    case 'services':
      return e.kind === 'service';
    case 'nodes':
      return e.kind === 'node';
  }
}

interface Waiter {
  topic: Topic;
  wake: () => void;
}

export type Watchers = ReturnType<typeof createWatchers>;

/**
 * Event-driven blocking reads: a read parks a waiter on its topic; a committed write wakes the waiters whose topic
 * it touched, which re-read and return if their index moved. No polling: an idle wait costs one timer.
 */
export function createWatchers(clock: { now(): number }, timers: Timers) {
  const waiters = new Set<Waiter>();
  let closed = false;

  function waitFor(topic: Topic, ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const finish = (): void => {
        waiters.delete(waiter);
        timers.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = { topic, wake: () => (finish(), resolve()) };
      const onAbort = (): void => {
        finish();
        const reason: unknown = signal?.reason;
        reject(reason instanceof Error ? reason : new DOMException('the wait was aborted', 'AbortError'));
      };
      const timer = timers.setTimeout(waiter.wake, ms);
      waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  return {
    /** Wakes the waiters of topics these events touched. */
    publish(events: ChangeEvent[]): void {
      for (const waiter of [...waiters]) if (events.some((e) => matches(waiter.topic, e))) waiter.wake();
    },
    /**
     * Runs `query`, and while its index equals `opts.index` waits for a change of `topic` or the end of the wait.
     * An index other than the current one (newer or older, e.g. from before a reset) returns at once.
     */
    block: async <T extends { index: number }>(topic: Topic, query: () => T, opts: ReadOptions): Promise<T> => {
      let result = query();
      if (!opts.index || result.index !== opts.index || closed) return result;
      opts.signal?.throwIfAborted();
      const deadline = clock.now() + effectiveWaitMs(opts.waitMs);
      for (;;) {
        const left = deadline - clock.now();
        if (left <= 0) return result;
        await waitFor(topic, left, opts.signal);
        if (closed) return result;
        result = query();
        if (result.index !== opts.index) return result;
      }
    },
    /** Returns every pending read with its last result; later reads do not block. */
    close(): void {
      closed = true;
      for (const waiter of [...waiters]) waiter.wake();
    },
    get pending(): number {
      return waiters.size;
    },
  };
}
