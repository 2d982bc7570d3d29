import { InvalidStorageKeyError } from '@envmgr/domain';
import { storagePartProblem } from './package-store.js';

/** What a store recorded about the bytes of a blob when it saved them. */
export interface StoredBlob {
  /** SHA-256 of the bytes, lower-case hex. */
  sha256: string;
  sizeBytes: number;
}

export interface BlobInfo {
  key: string;
  sizeBytes: number;
  /** When the current bytes were stored, ISO 8601 UTC. */
  storedAt: string;
}

/**
 * Stores opaque blobs (deployment logs, backups) by key.
 *
 * Keys are `/`-separated paths such as `logs/c50/c50-Hello/deployment-i-0abc-42.log`: 1-1024 characters, parts
 * non-empty, no part starting with `.` (so no `.` or `..`), no `\`, no control characters (NUL included), no leading
 * or trailing `/`. Anything else is refused with `InvalidStorageKeyError` before anything is read or written, so
 * a key can never reach outside the store.
 *
 * Invariants every adapter keeps (checked by `blobStoreContract`):
 * - `put` replaces a stored blob atomically: readers see the old bytes or the new ones, never a mix or a part;
 * - a body that throws leaves the store as it was (the old bytes, or nothing);
 * - `list(prefix)` matches keys by plain string prefix (`logs/c5` matches `logs/c50/...`), in code-unit order.
 */
export interface BlobStore {
  /**
   * Saves (or replaces) a blob from a stream of chunks.
   * @throws InvalidStorageKeyError for a key outside the rules above.
   * @throws whatever `body` throws (the store is unchanged then).
   */
  put(key: string, body: AsyncIterable<Uint8Array>): Promise<StoredBlob>;
  /** The bytes of a blob, or undefined when there is none. Iterate it to the end (or break) to release it. */
  open(key: string): Promise<AsyncIterable<Uint8Array> | undefined>;
  /** Size and time of a blob, or undefined when there is none. */
  stat(key: string): Promise<BlobInfo | undefined>;
  /** Every blob whose key starts with `prefix` (`''` for all), in key order. */
  list(prefix: string): Promise<BlobInfo[]>;
  /** Deletes a blob; resolves to false when there was none. */
  delete(key: string): Promise<boolean>;
}

const MAX_KEY = 1024;

/**
 * Checks a blob key against the rules of {@link BlobStore}, for adapters to call first.
 * @throws InvalidStorageKeyError saying what is wrong.
 */
export function checkBlobKey(key: string): void {
  if (key.length > MAX_KEY) throw new InvalidStorageKeyError(key, `it is longer than ${MAX_KEY} characters`);
  if (key.startsWith('/')) throw new InvalidStorageKeyError(key, "it is absolute (starts with '/'); keys are relative, e.g. logs/c50/x.log");
  for (const part of key.split('/')) {
    const problem = storagePartProblem(part);
    if (problem) throw new InvalidStorageKeyError(key, problem);
  }
}

/**
 * Checks a list prefix: `''` (everything), a key, a key followed by `/`, or a key whose last part is cut short
 * (`logs/c5`). The parts follow the key rules.
 * @throws InvalidStorageKeyError saying what is wrong.
 */
export function checkBlobPrefix(prefix: string): void {
  if (prefix === '') return;
  checkBlobKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}
