import { RegistryValueTooLargeError, ValidationError } from '@envmgr/domain';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Registry } from './registry.js';
import { REGISTRY_MAX_VALUE_BYTES } from './registry-rules.js';
import { WAIT_MS, delay, timed, type RegistryFixture } from './registry-fixtures.contract.js';

/** The KV cases of `registryContract`: CRUD, check-and-set, listing, limits and blocking reads. */
export function registryKvCases(fixture: () => RegistryFixture): void {
  let reg: Registry;
  beforeEach(() => {
    reg = fixture().a.registry;
  });

  describe('KV', () => {
    it('reads a missing key as undefined with an index of at least 1', async () => {
      const got = await reg.kvGet('nope/missing');
      expect(got.value).toBeUndefined();
      expect(got.index).toBeGreaterThanOrEqual(1);
    });

    it('writes, reads back with indexes, and keeps createIndex across updates', async () => {
      expect(await reg.kvPut('environments/dev/roles/web', 'one')).toBe(true);
      const first = await reg.kvGet('environments/dev/roles/web');
      expect(first.value).toMatchObject({ key: 'environments/dev/roles/web', value: 'one', flags: 0, lockIndex: 0 });
      expect(first.value?.createIndex).toBe(first.value?.modifyIndex);
      expect(first.index).toBe(first.value?.modifyIndex);
      expect(await reg.kvPut('environments/dev/roles/web', 'two', { flags: 42 })).toBe(true);
      const second = await reg.kvGet('environments/dev/roles/web');
      expect(second.value).toMatchObject({ value: 'two', flags: 42, createIndex: first.value?.createIndex });
      expect(second.value?.modifyIndex).toBeGreaterThan(first.value?.modifyIndex ?? Infinity);
    });

    it('keeps UTF-8 text intact and reads an empty value as an empty string', async () => {
      const text = 'héllo ✓ 🚀 {"a":[1,2]}\n';
      await reg.kvPut('t/unicode', text);
      await reg.kvPut('t/empty', '');
      expect((await reg.kvGet('t/unicode')).value?.value).toBe(text);
      expect((await reg.kvGet('t/empty')).value?.value).toBe('');
    });

    it('gives every write an index greater than any read before it', async () => {
      const seen: number[] = [(await reg.kvGet('seq/a')).index];
      for (const v of ['1', '2', '3']) {
        await reg.kvPut('seq/a', v);
        seen.push((await reg.kvGet('seq/a')).index);
      }
      await reg.kvDelete('seq/a');
      await reg.kvPut('seq/b', 'x');
      seen.push((await reg.kvList('seq/')).index);
      for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1] ?? Infinity);
    });

    it('check-and-sets: 0 creates only when absent, otherwise the current modifyIndex wins', async () => {
      expect(await reg.kvPut('lock/a', 'first', { cas: 0 })).toBe(true);
      expect(await reg.kvPut('lock/a', 'second', { cas: 0 })).toBe(false);
      const { value } = await reg.kvGet('lock/a');
      const index = value?.modifyIndex ?? 0;
      expect(await reg.kvPut('lock/a', 'stale', { cas: index + 1000 })).toBe(false);
      expect(await reg.kvPut('lock/a', 'third', { cas: index })).toBe(true);
      expect(await reg.kvPut('lock/a', 'again', { cas: index })).toBe(false);
      expect((await reg.kvGet('lock/a')).value?.value).toBe('third');
    });

    it('deletes a key, a missing key, and by check-and-set', async () => {
      await reg.kvPut('del/a', 'x');
      const index = (await reg.kvGet('del/a')).value?.modifyIndex ?? 0;
      expect(await reg.kvDelete('del/a', { cas: 0 })).toBe(false);
      expect(await reg.kvDelete('del/a', { cas: index + 1000 })).toBe(false);
      expect((await reg.kvGet('del/a')).value).toBeDefined();
      expect(await reg.kvDelete('del/a', { cas: index })).toBe(true);
      expect((await reg.kvGet('del/a')).value).toBeUndefined();
      expect(await reg.kvDelete('del/a')).toBe(true);
      await reg.kvPut('del/b', 'x');
      expect(await reg.kvDelete('del/b')).toBe(true);
      expect((await reg.kvGet('del/b')).value).toBeUndefined();
    });

    it('deletes a whole prefix with recurse, and refuses recurse with cas', async () => {
      for (const k of ['app/a', 'app/b/c', 'apps/x', 'other']) await reg.kvPut(k, k);
      expect(await reg.kvDelete('app/', { recurse: true })).toBe(true);
      expect((await reg.kvKeys('')).value).toEqual(['apps/x', 'other']);
      await expect(reg.kvDelete('apps/', { recurse: true, cas: 1 })).rejects.toBeInstanceOf(ValidationError);
    });

    it('lists entries under a prefix in key order, all with an empty prefix, [] when none', async () => {
      for (const k of ['r/b', 'r/a/2', 'r/a/1', 'rx', 's/1']) await reg.kvPut(k, `v-${k}`);
      const list = await reg.kvList('r/');
      expect(list.value.map((e) => [e.key, e.value])).toEqual([
        ['r/a/1', 'v-r/a/1'],
        ['r/a/2', 'v-r/a/2'],
        ['r/b', 'v-r/b'],
      ]);
      expect(list.index).toBe(Math.max(...list.value.map((e) => e.modifyIndex)));
      expect((await reg.kvList('')).value.map((e) => e.key)).toEqual(['r/a/1', 'r/a/2', 'r/b', 'rx', 's/1']);
      const none = await reg.kvList('nothing/here/');
      expect(none.value).toEqual([]);
      expect(none.index).toBeGreaterThanOrEqual(1);
    });

    it('lists keys, folded at a separator', async () => {
      for (const k of ['k/a/1', 'k/a/2', 'k/b', 'k/c/d/e', 'kk']) await reg.kvPut(k, '');
      expect((await reg.kvKeys('k/')).value).toEqual(['k/a/1', 'k/a/2', 'k/b', 'k/c/d/e']);
      expect((await reg.kvKeys('k/', { separator: '/' })).value).toEqual(['k/a/', 'k/b', 'k/c/']);
      expect((await reg.kvKeys('', { separator: '/' })).value).toEqual(['k/', 'kk']);
      expect((await reg.kvKeys('none/')).value).toEqual([]);
    });

    it('refuses invalid keys with ValidationError', async () => {
      await expect(reg.kvGet('')).rejects.toBeInstanceOf(ValidationError);
      await expect(reg.kvPut('', 'x')).rejects.toBeInstanceOf(ValidationError);
      await expect(reg.kvPut('/leading', 'x')).rejects.toBeInstanceOf(ValidationError);
      await expect(reg.kvGet('/leading')).rejects.toBeInstanceOf(ValidationError);
      await expect(reg.kvPut('has space', 'x')).rejects.toBeInstanceOf(ValidationError);
      await expect(reg.kvList('/x/')).rejects.toBeInstanceOf(ValidationError);
      await expect(reg.kvDelete('')).rejects.toBeInstanceOf(ValidationError);
      expect((await reg.kvKeys('')).value).toEqual([]);
    });

    it('accepts a value of exactly 512 KiB and refuses one byte more', async () => {
      const max = 'x'.repeat(REGISTRY_MAX_VALUE_BYTES);
      expect(await reg.kvPut('big/max', max)).toBe(true);
      expect((await reg.kvGet('big/max')).value?.value.length).toBe(REGISTRY_MAX_VALUE_BYTES);
      await expect(reg.kvPut('big/over', `${max}y`)).rejects.toBeInstanceOf(RegistryValueTooLargeError);
      // counted in UTF-8 bytes, not characters
      await expect(reg.kvPut('big/wide', 'é'.repeat(REGISTRY_MAX_VALUE_BYTES / 2 + 1))).rejects.toBeInstanceOf(RegistryValueTooLargeError);
      expect((await reg.kvGet('big/over')).value).toBeUndefined();
    });
  });

  describe('blocking KV reads', () => {
    it('return at once without an index, or with an index older than the current one', async () => {
      await reg.kvPut('b/now', '1');
      const { index } = await reg.kvGet('b/now');
      await reg.kvPut('b/now', '2');
      const { result, ms } = await timed(reg.kvGet('b/now', { index, waitMs: 5000 }));
      expect(result.value?.value).toBe('2');
      expect(result.index).toBeGreaterThan(index);
      expect(ms).toBeLessThan(1000);
    });

    it('wakes a key watch on a write of that key', async () => {
      await reg.kvPut('b/key', 'old');
      const { index } = await reg.kvGet('b/key');
      const watch = timed(reg.kvGet('b/key', { index, waitMs: 5000 }));
      await delay(50);
      await reg.kvPut('b/key', 'new');
      const { result, ms } = await watch;
      expect(result.value?.value).toBe('new');
      expect(result.index).toBeGreaterThan(index);
      expect(ms).toBeLessThan(2000);
    });

    it('wakes a key watch when a missing key is created', async () => {
      const { index } = await reg.kvGet('b/later');
      const watch = reg.kvGet('b/later', { index, waitMs: 5000 });
      await delay(50);
      await reg.kvPut('b/later', 'here');
      expect((await watch).value?.value).toBe('here');
    });

    it('wakes a prefix watch on a write, and on a delete, anywhere under the prefix', async () => {
      await reg.kvPut('env/dev/roles/web/services/a/none', '1');
      const first = await reg.kvList('env/dev/roles/web/');
      const onWrite = reg.kvList('env/dev/roles/web/', { index: first.index, waitMs: 5000 });
      await delay(50);
      await reg.kvPut('env/dev/roles/web/services/b/blue', '2');
      const second = await onWrite;
      expect(second.value.map((e) => e.key)).toEqual(['env/dev/roles/web/services/a/none', 'env/dev/roles/web/services/b/blue']);
      expect(second.index).toBeGreaterThan(first.index);

      const onDelete = reg.kvKeys('env/dev/roles/web/', { index: second.index, waitMs: 5000 });
      await delay(50);
      await reg.kvDelete('env/dev/roles/web/services/a/none');
      const third = await onDelete;
      expect(third.value).toEqual(['env/dev/roles/web/services/b/blue']);
      expect(third.index).toBeGreaterThan(second.index);
    });

    it('is not woken by writes outside its prefix, and times out after waitMs with the same index', async () => {
      await reg.kvPut('mine/a', '1');
      const { index } = await reg.kvList('mine/');
      const watch = timed(reg.kvList('mine/', { index, waitMs: WAIT_MS }));
      await delay(50);
      await reg.kvPut('theirs/a', '1');
      await reg.kvPut('minefield', '1');
      const { result, ms } = await watch;
      expect(result.index).toBe(index);
      expect(result.value.map((e) => e.key)).toEqual(['mine/a']);
      expect(ms).toBeGreaterThanOrEqual(WAIT_MS * 0.9);
    });

    it('stops waiting when its signal aborts', async () => {
      await reg.kvPut('abort/a', '1');
      const { index } = await reg.kvGet('abort/a');
      const controller = new AbortController();
      const watch = reg.kvGet('abort/a', { index, waitMs: 60_000, signal: controller.signal });
      await delay(50);
      controller.abort();
      await expect(watch).rejects.toBeDefined();
      await reg.kvPut('abort/a', '2'); // the registry still works after an aborted watch
      expect((await reg.kvGet('abort/a')).value?.value).toBe('2');
    });
  });
}
