import { PackageExistsError } from '@envmgr/domain';
import type { Clock } from '../runtime/clock.js';
import { checkBlobKey, checkBlobPrefix, type BlobInfo, type BlobStore } from './blob-store.js';
import { checkPackageRef, checkStoragePart, type PackageListing, type PackageRef, type PackageStore } from './package-store.js';

/*
 * In-memory PackageStore and BlobStore for tests of the layers above (app, http). They pass the same contract
 * suites as the real adapters. Exported from `@envmgr/ports/testing` only.
 */

interface Entry {
  bytes: Uint8Array;
  sha256: string;
  storedAt: string;
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of body) parts.push(chunk.slice());
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// Web Crypto rather than node:crypto: ports does no I/O and imports no node:* modules.
async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function* chunksOf(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes.slice();
}

const iso = (clock: Clock): string => new Date(clock.now()).toISOString();
const FIXED: Clock = { now: () => Date.UTC(2026, 0, 1) };
const refKey = (ref: PackageRef): string => JSON.stringify([ref.service, ref.version, ref.environment ?? null]);

/** A PackageStore in memory. `storedAt` comes from `clock` (default: a fixed time). */
export function createMemoryPackageStore(opts: { clock?: Clock } = {}): PackageStore {
  const clock = opts.clock ?? FIXED;
  const packages = new Map<string, Entry & { ref: PackageRef }>();
  return {
    async put(ref, body) {
      checkPackageRef(ref);
      const bytes = await collect(body);
      const hash = await sha256(bytes);
      // checked and set without an await in between, so of two racing puts exactly one wins
      if (packages.has(refKey(ref))) throw new PackageExistsError(ref);
      packages.set(refKey(ref), { ref: { ...ref }, bytes, sha256: hash, storedAt: iso(clock) });
      return { sha256: hash, sizeBytes: bytes.length };
    },
    async open(ref) {
      checkPackageRef(ref);
      const e = packages.get(refKey(ref));
      return e && chunksOf(e.bytes);
    },
    async stat(ref) {
      checkPackageRef(ref);
      const e = packages.get(refKey(ref));
      return e && { sha256: e.sha256, sizeBytes: e.bytes.length, storedAt: e.storedAt };
    },
    async listVersions(service) {
      checkStoragePart('the service of a package', service);
      const list: PackageListing[] = [...packages.values()]
        .filter((e) => e.ref.service === service)
        .map((e) => ({
          version: e.ref.version,
          ...(e.ref.environment !== undefined ? { environment: e.ref.environment } : {}),
          sha256: e.sha256,
          sizeBytes: e.bytes.length,
          storedAt: e.storedAt,
        }));
      return list.sort((a, b) => compare(a.version, b.version) || compare(a.environment ?? '', b.environment ?? ''));
    },
  };
}

/** A BlobStore in memory. `storedAt` comes from `clock` (default: a fixed time). */
export function createMemoryBlobStore(opts: { clock?: Clock } = {}): BlobStore {
  const clock = opts.clock ?? FIXED;
  const blobs = new Map<string, Entry>();
  const info = (key: string, e: Entry): BlobInfo => ({ key, sizeBytes: e.bytes.length, storedAt: e.storedAt });
  return {
    async put(key, body) {
      checkBlobKey(key);
      const bytes = await collect(body);
      const hash = await sha256(bytes);
      blobs.set(key, { bytes, sha256: hash, storedAt: iso(clock) });
      return { sha256: hash, sizeBytes: bytes.length };
    },
    async open(key) {
      checkBlobKey(key);
      const e = blobs.get(key);
      return e && chunksOf(e.bytes);
    },
    async stat(key) {
      checkBlobKey(key);
      const e = blobs.get(key);
      return e && info(key, e);
    },
    async list(prefix) {
      checkBlobPrefix(prefix);
      return [...blobs.entries()]
        .filter(([key]) => key.startsWith(prefix))
        .sort(([a], [b]) => compare(a, b))
        .map(([key, e]) => info(key, e));
    },
    async delete(key) {
      checkBlobKey(key);
      return blobs.delete(key);
    },
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
