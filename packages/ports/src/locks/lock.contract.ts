import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../runtime/clock.js';
import type { Lock } from './lock.js';

export interface LockFixture {
  lock: Lock;
  dispose(): Promise<void>;
}

/** A clock the contract moves by hand. */
class ManualClock implements Clock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** The behaviour every Lock adapter shares. `setup` builds the lock over the given clock. */
export function lockContract(name: string, setup: (clock: Clock) => Promise<LockFixture>): void {
  describe(`Lock contract: ${name}`, () => {
    let f: LockFixture;
    let lock: Lock;
    let clock: ManualClock;
    beforeEach(async () => {
      clock = new ManualClock(1_000_000);
      f = await setup(clock);
      lock = f.lock;
    });
    afterEach(() => f.dispose());

    it('grants a free lock with a lease of ttlMs', async () => {
      expect(await lock.tryAcquire('driver', 'a', 30_000)).toEqual({ acquired: true, holder: 'a', expiresAtMs: 1_030_000 });
    });

    it('is exclusive: another holder is refused and told who holds it until when', async () => {
      await lock.tryAcquire('driver', 'a', 30_000);
      clock.advance(29_999);
      expect(await lock.tryAcquire('driver', 'b', 30_000)).toEqual({ acquired: false, holder: 'a', expiresAtMs: 1_030_000 });
    });

    it('keeps names apart', async () => {
      await lock.tryAcquire('driver', 'a', 30_000);
      expect((await lock.tryAcquire('scheduler', 'b', 30_000)).acquired).toBe(true);
    });

    it('lets the holder acquire again, extending its lease', async () => {
      await lock.tryAcquire('driver', 'a', 30_000);
      clock.advance(10_000);
      expect(await lock.tryAcquire('driver', 'a', 30_000)).toEqual({ acquired: true, holder: 'a', expiresAtMs: 1_040_000 });
    });

    it('keeps the lock for a holder that renews', async () => {
      await lock.tryAcquire('driver', 'a', 30_000);
      for (let i = 0; i < 5; i++) {
        clock.advance(20_000);
        expect(await lock.renew('driver', 'a', 30_000)).toBe(true);
      }
      expect(await lock.tryAcquire('driver', 'b', 30_000)).toMatchObject({ acquired: false, holder: 'a', expiresAtMs: clock.now() + 30_000 });
    });

    it('lets another holder take an expired lock, and refuses the old holder a renewal', async () => {
      await lock.tryAcquire('driver', 'a', 30_000);
      clock.advance(30_000);
      expect(await lock.tryAcquire('driver', 'b', 10_000)).toEqual({ acquired: true, holder: 'b', expiresAtMs: 1_040_000 });
      expect(await lock.renew('driver', 'a', 30_000)).toBe(false);
      expect((await lock.tryAcquire('driver', 'a', 30_000)).holder).toBe('b');
    });

    it('refuses to renew an expired lease even when no one took the lock', async () => {
      await lock.tryAcquire('driver', 'a', 30_000);
      clock.advance(30_000);
      expect(await lock.renew('driver', 'a', 30_000)).toBe(false);
    });

    it('refuses to renew a lock the caller never held', async () => {
      expect(await lock.renew('driver', 'a', 30_000)).toBe(false);
      await lock.tryAcquire('driver', 'a', 30_000);
      expect(await lock.renew('driver', 'b', 30_000)).toBe(false);
    });

    it('frees the lock on release by its holder', async () => {
      await lock.tryAcquire('driver', 'a', 30_000);
      await lock.release('driver', 'a');
      expect(await lock.tryAcquire('driver', 'b', 30_000)).toMatchObject({ acquired: true, holder: 'b' });
      expect(await lock.renew('driver', 'a', 30_000)).toBe(false);
    });

    it('ignores a release by anyone but the holder', async () => {
      await lock.tryAcquire('driver', 'a', 30_000);
      await lock.release('driver', 'b');
      await lock.release('other', 'a');
      expect(await lock.tryAcquire('driver', 'b', 30_000)).toMatchObject({ acquired: false, holder: 'a' });
      expect(await lock.renew('driver', 'a', 30_000)).toBe(true);
    });

    it('grants the lock to exactly one of many concurrent callers', async () => {
      const leases = await Promise.all(Array.from({ length: 10 }, (_, i) => lock.tryAcquire('driver', `h${i}`, 30_000)));
      expect(leases.filter((l) => l.acquired)).toHaveLength(1);
      const winner = leases.find((l) => l.acquired)?.holder;
      for (const l of leases) expect(l.holder).toBe(winner);
    });
  });
}
