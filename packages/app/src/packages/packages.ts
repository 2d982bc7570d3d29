import { InvalidPackageError, NotFoundError, PackageExistsError, PayloadTooLargeError, ValidationError, type Actor, type JsonObject } from '@envmgr/domain';
import { describePackageRef, type PackageInfo, type PackageListing, type PackageRef, type StoredPackage } from '@envmgr/ports';
import { requirePermission, requireSignedIn } from '../identity/access.js';
import { limitBytes } from './limit-bytes.js';
import type { PackageDeps } from './package-deps.js';
import { PACKAGE_DOCUMENTS, packageProblems } from './package-rules.js';
import { compareVersions, versionProblem } from './versions.js';

export interface UploadPackageCommand {
  ref: PackageRef;
  /** The archive, as it arrives. */
  body: AsyncIterable<Uint8Array>;
  /** The size the client announced (Content-Length), checked before anything is read. */
  declaredSizeBytes?: number | undefined;
}

export interface UploadedPackage extends StoredPackage {
  ref: PackageRef;
}

/** The resource a package write is authorised against (SPEC §9 globs), e.g. `/packages/Hello/1.0.0`. */
export function packageResource(ref: PackageRef): string {
  return `/packages/${ref.service}/${ref.version}${ref.environment !== undefined ? `/${ref.environment}` : ''}`;
}

/**
 * Checks that a package may be uploaded, before any byte is read: a semver version of at most 100 characters, a
 * configured service (and environment, for an environment's package), the caller's permission for PUT on
 * `/packages/<service>/<version>[/<env>]` in the service's cluster, and no package stored under that ref yet.
 * Used by the upload itself and by the upload-URL route.
 * @throws ValidationError, NotFoundError (service, environment), ForbiddenError, PackageExistsError
 */
export async function checkPackageUpload(deps: Pick<PackageDeps, 'config' | 'packages'>, actor: Actor, ref: PackageRef): Promise<void> {
  const problem = versionProblem(ref.version);
  if (problem) throw new ValidationError([problem]);
  const service = await deps.config.store.get('services', ref.service);
  if (!service) throw new NotFoundError('service', ref.service, { hint: 'create it first: POST /api/v1/config/services' });
  if (ref.environment !== undefined && !(await deps.config.store.get('environments', ref.environment))) {
    throw new NotFoundError('environment', ref.environment);
  }
  requirePermission(actor, { method: 'PUT', resource: packageResource(ref), clusters: owningCluster(service.data) });
  if (await deps.packages.stat(ref)) throw new PackageExistsError(ref);
}

/**
 * Stores an uploaded package after checking it (SPEC §5): see {@link checkPackageUpload}, then the size limit, then
 * the archive itself (a zip with a valid `appspec.yml` at its root whose hook scripts exist). The archive is staged
 * by the inspector and reaches the store only when it is valid, so a rejected upload leaves nothing behind.
 * @throws PayloadTooLargeError, InvalidPackageError (listing every problem), PackageExistsError (also when another
 * upload of the same ref wins a race), and the errors of {@link checkPackageUpload}
 */
export async function uploadPackage(deps: PackageDeps, actor: Actor, cmd: UploadPackageCommand): Promise<UploadedPackage> {
  const { ref } = cmd;
  await checkPackageUpload(deps, actor, ref);
  if (cmd.declaredSizeBytes !== undefined && cmd.declaredSizeBytes > deps.maxPackageBytes) {
    throw new PayloadTooLargeError(`the package (${cmd.declaredSizeBytes} bytes)`, deps.maxPackageBytes);
  }
  const staged = await deps.inspector.stage(limitBytes(cmd.body, deps.maxPackageBytes, 'the package'), { documents: PACKAGE_DOCUMENTS });
  try {
    const problems = packageProblems(staged.contents);
    if (problems.length) throw new InvalidPackageError(ref, problems);
    const stored = await deps.packages.put(ref, staged.open());
    return { ref, ...stored };
  } finally {
    await staged.discard();
  }
}

export interface PackageDownload {
  info: PackageInfo;
  body: AsyncIterable<Uint8Array>;
}

/** The bytes and checksum of one stored package (exactly this ref: no fallback). @throws NotFoundError */
export async function downloadPackage(deps: Pick<PackageDeps, 'packages'>, actor: Actor, ref: PackageRef): Promise<PackageDownload> {
  requireSignedIn(actor);
  const info = await deps.packages.stat(ref);
  const body = info && (await deps.packages.open(ref));
  if (!info || !body) throw new NotFoundError('package', describePackageRef(ref), { service: ref.service, version: ref.version });
  return { info, body };
}

/**
 * The package a deployment of `ref` uses (SPEC §5): the environment's own package when one is stored, else the
 * package without environment. @throws NotFoundError naming both places looked at
 */
export async function resolvePackage(deps: Pick<PackageDeps, 'packages'>, ref: PackageRef): Promise<{ ref: PackageRef; info: PackageInfo }> {
  const candidates = ref.environment !== undefined ? [ref, { service: ref.service, version: ref.version }] : [ref];
  for (const candidate of candidates) {
    const info = await deps.packages.stat(candidate);
    if (info) return { ref: candidate, info };
  }
  throw new NotFoundError('package', candidates.map(describePackageRef).join("' or '"), { service: ref.service, version: ref.version });
}

/** Every stored package of a configured service, newest version last (semver order). @throws NotFoundError */
export async function listPackageVersions(deps: Pick<PackageDeps, 'config' | 'packages'>, actor: Actor, service: string): Promise<PackageListing[]> {
  requireSignedIn(actor);
  if (!(await deps.config.store.get('services', service))) throw new NotFoundError('service', service);
  const list = await deps.packages.listVersions(service);
  return list.sort((a, b) => compareVersions(a.version, b.version) || textOrder(a.environment ?? '', b.environment ?? ''));
}

function owningCluster(service: JsonObject): string[] {
  return typeof service.OwningCluster === 'string' && service.OwningCluster ? [service.OwningCluster] : [];
}

function textOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
