import { InvalidStorageKeyError } from '@envmgr/domain';

/**
 * Names one stored package: a service at a version, optionally built for one environment (SPEC §4 stores them as
 * `<svc>/<ver>[/<env>]/<svc>-<ver>[-<env>].zip`). A package for an environment and the one without are distinct.
 */
export interface PackageRef {
  service: string;
  version: string;
  /** Set for a package built for one environment only. */
  environment?: string | undefined;
}

/** What a store recorded about the bytes of a package when it saved them. */
export interface StoredPackage {
  /** SHA-256 of the whole archive, lower-case hex (64 characters). Agents verify it after downloading. */
  sha256: string;
  sizeBytes: number;
}

export interface PackageInfo extends StoredPackage {
  /** When the upload completed, ISO 8601 UTC. */
  storedAt: string;
}

/** One entry of {@link PackageStore.listVersions}. */
export interface PackageListing extends PackageInfo {
  version: string;
  /** Set for a package built for one environment. */
  environment?: string | undefined;
}

/**
 * Stores deployable packages (zip archives) per service and version.
 *
 * Invariants every adapter keeps (checked by `packageStoreContract`):
 * - a package is written once: `put` of a stored ref fails with `PackageExistsError` and leaves the stored bytes as
 *   they were, also when two `put`s of the same ref race (exactly one wins);
 * - a package is visible (`open`, `stat`, `listVersions`) only once `put` has resolved: a reader never sees part of
 *   an upload, and a body that throws leaves nothing behind (the same ref can be put again);
 * - the store keeps bytes, not meaning: it does not check that they are a zip (the upload use case does);
 * - refs whose parts cannot be stored safely (empty, `.`/`..`, leading `.`, `/`, `\`, control characters, over 255
 *   characters) are refused with `InvalidStorageKeyError` before anything is written.
 */
export interface PackageStore {
  /**
   * Saves a package from a stream of chunks and returns its checksum and size.
   * @throws PackageExistsError when the ref is already stored.
   * @throws InvalidStorageKeyError when a part of the ref cannot be stored.
   * @throws whatever `body` throws (nothing is stored then).
   */
  put(ref: PackageRef, body: AsyncIterable<Uint8Array>): Promise<StoredPackage>;
  /** The bytes of a stored package, or undefined when it is not stored. Iterate it to the end (or break) to release it. */
  open(ref: PackageRef): Promise<AsyncIterable<Uint8Array> | undefined>;
  /** Checksum, size and time of a stored package, or undefined when it is not stored. */
  stat(ref: PackageRef): Promise<PackageInfo | undefined>;
  /**
   * Every stored package of one service (each version, with and without environment), ordered by version then
   * environment (code-unit order; the package without environment first). Empty for an unknown service.
   */
  listVersions(service: string): Promise<PackageListing[]>;
}

const MAX_PART = 255;

/** Why a part of a package ref or blob key cannot be stored, or undefined when it can. */
export function storagePartProblem(part: string): string | undefined {
  if (part === '') return 'it has an empty part';
  if (part.length > MAX_PART) return `a part is longer than ${MAX_PART} characters`;
  if (part.startsWith('.')) return "a part starts with '.' (this also refuses '.' and '..')";
  if (part.includes('/') || part.includes('\\')) return "a part holds '/' or '\\'";
  for (const ch of part) if (ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127) return 'it holds a control character (such as NUL)';
  return undefined;
}

/**
 * Checks one part of a storage key, such as a service name, for adapters to call first.
 * @throws InvalidStorageKeyError saying which part (`what`) is at fault and why.
 */
export function checkStoragePart(what: string, value: string): void {
  const problem = storagePartProblem(value);
  if (problem) throw new InvalidStorageKeyError(value, `${what}: ${problem}`);
}

/**
 * Checks every part of a package ref, for adapters to call first.
 * @throws InvalidStorageKeyError naming the part at fault.
 */
export function checkPackageRef(ref: PackageRef): void {
  checkStoragePart('the service of a package', ref.service);
  checkStoragePart('the version of a package', ref.version);
  if (ref.environment !== undefined) checkStoragePart('the environment of a package', ref.environment);
}

/** `Hello 1.0.0` or `Hello 1.0.0 (c50)`, for messages. */
export function describePackageRef(ref: PackageRef): string {
  return `${ref.service} ${ref.version}${ref.environment !== undefined ? ` (${ref.environment})` : ''}`;
}
