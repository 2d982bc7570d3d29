/** A job's passes in this process, one at a time (the deployment driver, the scheduler, notifications, inventory). */
export interface PassLoop {
  /** Runs a pass now, or (with `rerunWoken`) right after the one under way. */
  wake(): void;
  /** Runs no more passes; resolves once the one under way has ended. */
  stop(): Promise<void>;
}

export interface PassLoopOptions {
  /** Runs one pass and answers how long to wait before the next. Must not reject: each job logs its own failures. */
  pass: () => Promise<number>;
  /** A wake during a pass runs another as soon as it ends; without it such a wake is dropped. */
  rerunWoken?: boolean;
  /** The shortest time between the starts of two passes. @default 0 */
  minGapMs?: number;
}

/** Starts the first pass at once, then each pass when the previous one asks, or when woken. Passes never overlap. */
export function startPassLoop(opts: PassLoopOptions): PassLoop {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let lastStart = 0;
  const schedule = (ms: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, Math.max(ms, lastStart + (opts.minGapMs ?? 0) - Date.now()));
  };
  function tick(): void {
    if (running) {
      if (opts.rerunWoken) again = true;
      return;
    }
    lastStart = Date.now();
    running = opts.pass().then((nextMs) => {
      running = undefined;
      schedule(again ? 0 : nextMs);
      again = false;
    });
  }
  schedule(0);
  return {
    wake: () => schedule(0),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      if (running) await running;
    },
  };
}
