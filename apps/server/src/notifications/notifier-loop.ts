import { performance } from 'node:perf_hooks';
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

/**
 * Records every domain event the bus carries in the event log (in every process: the log drops repeats), and, on
 * the holder of the `notifications` lock only, fans the log out to subscriptions and delivers, off the request path:
 * a pass runs at once when an event arrives or a retry falls due, and every `intervalMs` otherwise.
 */
export function startNotifierLoop(
  deps: NotificationDeps,
  opts: { bus: EventBus; lock: Lock; holder: string; intervalMs: number; logger: HttpLogger; hooks?: NotifierHooks; busyShare?: number },
): NotifierLoop {
  const share = Math.min(1, Math.max(0.05, opts.busyShare ?? DEFAULT_BUSY_SHARE));
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
    const started = performance.eventLoopUtilization();
    const lease = await opts.lock.tryAcquire(LOCK, opts.holder, Math.max(30_000, opts.intervalMs * 3));
    leader = lease.acquired;
    if (!leader) return opts.intervalMs;
    // the feeds fail alone: a store that cannot be read now must not hold up deliveries
    const feed = (name: string, run: () => Promise<unknown>) => run().catch((err: unknown) => opts.logger.error({ err, feed: name }, 'notifications: a feed failed; it is retried'));
    await feed('config-audit', () => recordConfigChanges(deps));
    await feed('schedule-actions', () => recordScheduleActions(deps));
    const routed = await fanOutPass(deps, FANOUT_BATCH);
    const r = await deliveryPass(deps, DELIVERY_BATCH);
    opts.hooks?.onPass?.(r);
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
