import type Database from 'better-sqlite3';

/** What a write touched; blocking reads whose key, prefix, service or node it names wake up and re-read. */
export type ChangeEvent =
  | { kind: 'kv'; key: string }
  | { kind: 'service'; name: string }
  | { kind: 'node'; node: string };

/** Table-level counters in `meta`. */
export type Counter = 'kv_index' | 'nodes_index' | 'services_index';

/** One write transaction: it takes an index only when it changes something, and lists what it changed. */
export interface WriteContext {
  /** The index of this write, allocated on first use (a write that changes nothing takes none). */
  index(): number;
  /** Records that `counter`'s table changed at this write's index. */
  touch(counter: Counter): void;
  readonly events: ChangeEvent[];
}

export interface Writer {
  /** Runs `work` in an IMMEDIATE transaction, then (after commit) reports its events. */
  write<T>(work: (w: WriteContext) => T): T;
  counter(name: Counter): number;
}

export function createWriter(db: Database.Database, publish: (events: ChangeEvent[]) => void): Writer {
  const bumpLast = db.prepare<[], { value: number }>(`UPDATE meta SET value = value + 1 WHERE name = 'last_index' RETURNING value`);
  const setCounter = db.prepare<[number, string]>(`UPDATE meta SET value = ? WHERE name = ?`);
  const getCounter = db.prepare<[string], { value: number }>(`SELECT value FROM meta WHERE name = ?`);

  function run<T>(work: (w: WriteContext) => T): { result: T; events: ChangeEvent[] } {
    let index: number | undefined;
    const events: ChangeEvent[] = [];
    const w: WriteContext = {
      index: () => (index ??= bumpLast.get()?.value ?? 0),
      touch: (counter) => setCounter.run(w.index(), counter),
      events,
    };
    return { result: work(w), events };
  }
  const tx = db.transaction(run);

  return {
    write(work) {
      const { result, events } = tx.immediate(work) as { result: ReturnType<typeof work>; events: ChangeEvent[] };
      if (events.length > 0) publish(events);
      return result;
    },
    counter: (name) => getCounter.get(name)?.value ?? 0,
  };
}
