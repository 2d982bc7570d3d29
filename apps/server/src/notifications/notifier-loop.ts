import { performance } from 'node:perf_hooks';
import { deliveryPass, fanOutPass, publishToTopics, recordConfigChanges, recordEvent, recordScheduleActions, type DeliveryPassResult, type NotificationDeps } from '@envmgr/app';
import type { HttpLogger } from '@envmgr/http';
import type { EventBus, Lock } from '@envmgr/ports';
import { startPassLoop } from '../pass-loop.js';

/** The job lock's name: one server at a time delivers. */
export const NOTIFICATIONS_LOCK = 'notifications';

export interface NotifierLoop {
  /** Where deliveries run: a worker thread of their own (notifier-thread.ts), or the API's event loop. */
  readonly runsIn: 'worker-thread' | 'event-loop';
  /** Runs a pass at once (a new event). */
  wake(): void;
  stop(): Promise<void>;
  /** Whether this process holds the notifications lock (the job lock holder metric). */
  isLeader(): boolean;
}

/**
 * The largest share of the process's time delivery passes take back to back, by default: the rest is the API's. A
 * backlog (an outage that ended, a burst of events to many subscribers) then drains steadily instead of starving
 * requests in the same event loop (bench: `npm run bench notifications`).
 */
export const DEFAULT_BUSY_SHARE = 0.5;
/**
 * Events routed, and deliveries tried, per pass: small steps, because each queues or finishes its work in
 * synchronous store writes, and a request that arrives meanwhile waits for the step to end.
 */
const FANOUT_BATCH = 10;
const DELIVERY_BATCH = 10;

/** How the delivery loop runs: under the `notifications` lock, a pass at least every `intervalMs`. */
export interface DeliveryLoopOptions {
  lock: Lock;
  holder: string;
  intervalMs: number;
  logger: HttpLogger;
  onPass?(r: DeliveryPassResult): void;
  /** The largest share of its thread's time passes take back to back (1: no pause while work is due). */
  busyShare?: number;
}

/** The delivery side of the notifier: wakes on demand, stops releasing its lock. */
export type DeliveryLoop = Omit<NotifierLoop, 'runsIn'>;

/**
 * Records every domain event the bus carries in the event log (in every process: the log drops repeats), one after
 * another so the log keeps the bus's order, and calls `onStored` for each new one.
 */
export function recordBusEvents(deps: NotificationDeps, bus: EventBus, logger: HttpLogger, onStored: () => void): { stop(): Promise<void> } {
  let recording = Promise.resolve();
  const unsubscribe = bus.subscribe((event) => {
    recording = recording
      .then(() => recordEvent(deps, event))
      .then((stored) => {
        if (stored) onStored();
      })
      .catch((err: unknown) => logger.error({ err, eventType: event.type }, 'notifications: an event could not be recorded'));
  });
  return {
    async stop() {
      unsubscribe();
      await recording;
    },
  };
}

/**
 * On the holder of the `notifications` lock only, fans the event log out to subscriptions and delivers, off the
 * request path: a pass runs at once when woken (a new event) or a retry falls due, and every `intervalMs` otherwise.
 */
export function startDeliveryLoop(deps: NotificationDeps, opts: DeliveryLoopOptions): DeliveryLoop {
  const share = Math.min(1, Math.max(0.05, opts.busyShare ?? DEFAULT_BUSY_SHARE));
  let leader = false;
  async function pass(): Promise<number> {
    const started = performance.eventLoopUtilization();
    const lease = await opts.lock.tryAcquire(NOTIFICATIONS_LOCK, opts.holder, Math.max(30_000, opts.intervalMs * 3));
    leader = lease.acquired;
    if (!leader) return opts.intervalMs;
    // the feeds fail alone: a store that cannot be read now must not hold up deliveries
    const feed = (name: string, run: () => Promise<unknown>) => run().catch((err: unknown) => opts.logger.error({ err, feed: name }, 'notifications: a feed failed; it is retried'));
    await feed('config-audit', () => recordConfigChanges(deps));
    await feed('schedule-actions', () => recordScheduleActions(deps));
    const routed = await fanOutPass(deps, FANOUT_BATCH);
    const r = await deliveryPass(deps, DELIVERY_BATCH);
    opts.onPass?.(r);
    const topics = await publishToTopics(deps);
    if (topics.error) opts.logger.warn({ error: topics.error, published: topics.published }, 'notifications: publishing to SNS failed; it is retried');
    // more is due: go on after a pause in proportion to the event loop's busy time during this pass (not its wall
    // time, which a slow receiver stretches), so that passes take at most `share` of it
    if (routed === FANOUT_BATCH || r.delivered + r.failed + r.dead > 0) {
      const busyMs = performance.eventLoopUtilization(started).active;
      return Math.min(opts.intervalMs, Math.round(busyMs * (1 / share - 1)));
    }
    // sleep until the next retry falls due, or the interval
    const next = (await deps.store.listDeliveries({ state: 'pending', limit: 200 })).reduce((min, d) => Math.min(min, d.nextAttemptAtMs), Number.POSITIVE_INFINITY);
    return Math.max(0, Math.min(opts.intervalMs, next - deps.clock.now()));
  }
  const loop = startPassLoop({
    pass: () =>
      pass().catch((err: unknown) => {
        opts.logger.error({ err }, 'notifications: a pass failed; it is retried');
        return opts.intervalMs;
      }),
    rerunWoken: true,
  });
  return {
    wake: () => loop.wake(),
    isLeader: () => leader,
    async stop() {
      await loop.stop();
      if (leader) await opts.lock.release(NOTIFICATIONS_LOCK, opts.holder);
    },
  };
}

/**
 * The notifier in one event loop, the API's: records the bus's events and, on the lock holder, delivers them. The
 * server runs delivery in a worker thread instead when its stores can be opened twice (notifier-thread.ts).
 */
export function startNotifierLoop(deps: NotificationDeps, opts: DeliveryLoopOptions & { bus: EventBus }): NotifierLoop {
  const delivery = startDeliveryLoop(deps, opts);
  const recorder = recordBusEvents(deps, opts.bus, opts.logger, () => delivery.wake());
  return {
    runsIn: 'event-loop',
    wake: () => delivery.wake(),
    isLeader: () => delivery.isLeader(),
    async stop() {
      await recorder.stop();
      await delivery.stop();
    },
  };
}
