import { deliveryPass, fanOutPass, publishToTopics, recordConfigChanges, recordEvent, recordScheduleActions, type DeliveryPassResult, type NotificationDeps } from '@envmgr/app';
import type { HttpLogger } from '@envmgr/http';
import type { EventBus, Lock } from '@envmgr/ports';

const LOCK = 'notifications';

export interface NotifierLoop {
  /** Runs a pass at once (a new event). */
  wake(): void;
  stop(): Promise<void>;
  /** Whether this process holds the notifications lock (the job lock holder metric). */
  isLeader(): boolean;
}

export interface NotifierHooks {
  onPass?(r: DeliveryPassResult): void;
  onRecorded?(): void;
}

/**
 * Records every domain event the bus carries in the event log (in every process: the log drops repeats), and, on
 * the holder of the `notifications` lock only, fans the log out to subscriptions and delivers, off the request path:
 * a pass runs at once when an event arrives or a retry falls due, and every `intervalMs` otherwise.
 */
export function startNotifierLoop(
  deps: NotificationDeps,
  opts: { bus: EventBus; lock: Lock; holder: string; intervalMs: number; logger: HttpLogger; hooks?: NotifierHooks },
): NotifierLoop {
  let stopped = false;
  let leader = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let recording = Promise.resolve();
  const unsubscribe = opts.bus.subscribe((event) => {
    // appended one after another, so the log keeps the bus's order
    recording = recording
      .then(() => recordEvent(deps, event))
      .then((stored) => {
        if (stored) {
          opts.hooks?.onRecorded?.();
          schedule(0);
        }
      })
      .catch((err: unknown) => opts.logger.error({ err, eventType: event.type }, 'notifications: an event could not be recorded'));
  });
  const schedule = (ms: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, ms);
  };
  async function pass(): Promise<number> {
    const lease = await opts.lock.tryAcquire(LOCK, opts.holder, Math.max(30_000, opts.intervalMs * 3));
    leader = lease.acquired;
    if (!leader) return opts.intervalMs;
    // the feeds fail alone: a store that cannot be read now must not hold up deliveries
    const feed = (name: string, run: () => Promise<unknown>) => run().catch((err: unknown) => opts.logger.error({ err, feed: name }, 'notifications: a feed failed; it is retried'));
    await feed('config-audit', () => recordConfigChanges(deps));
    await feed('schedule-actions', () => recordScheduleActions(deps));
    await fanOutPass(deps);
    const r = await deliveryPass(deps);
    opts.hooks?.onPass?.(r);
    const topics = await publishToTopics(deps);
    if (topics.error) opts.logger.warn({ error: topics.error, published: topics.published }, 'notifications: publishing to SNS failed; it is retried');
    if (r.delivered + r.failed + r.dead > 0) return 0;
    // sleep until the next retry falls due, or the interval
    const next = (await deps.store.listDeliveries({ state: 'pending', limit: 200 })).reduce((min, d) => Math.min(min, d.nextAttemptAtMs), Number.POSITIVE_INFINITY);
    return Math.max(0, Math.min(opts.intervalMs, next - deps.clock.now()));
  }
  function tick(): void {
    if (running) {
      again = true;
      return;
    }
    let nextMs = opts.intervalMs;
    running = pass()
      .then((ms) => void (nextMs = ms))
      .catch((err: unknown) => opts.logger.error({ err }, 'notifications: a pass failed; it is retried'))
      .finally(() => {
        running = undefined;
        schedule(again ? 0 : nextMs);
        again = false;
      });
  }
  schedule(0);
  return {
    wake: () => schedule(0),
    isLeader: () => leader,
    async stop() {
      stopped = true;
      unsubscribe();
      clearTimeout(timer);
      await recording;
      if (running) await running;
      if (leader) await opts.lock.release(LOCK, opts.holder);
    },
  };
}
