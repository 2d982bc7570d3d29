/**
 * The one error model of EM. Every expected failure is a `DomainError` with a stable `code` (documented in
 * docs/problems.md) and a `kind`, which the HTTP layer maps to a status through a single table.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'precondition-required'
  | 'unprocessable'
  | 'locked'
  | 'too-large'
  | 'unsupported-media-type'
  | 'not-implemented'
  | 'rate-limited'
  | 'unavailable';

export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem with an input, located by a path such as `Value.Subnets.PrivateApp`. */
export interface FieldProblem {
  path: string;
  message: string;
}

export class ValidationError extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'validation-failed';
  constructor(
    readonly errors: FieldProblem[],
    message = describeProblems(errors),
  ) {
    super(message, { errors });
  }
}

function describeProblems(errors: FieldProblem[]): string {
  const first = errors[0];
  if (!first) return 'the request is invalid';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return `${first.path ? `${first.path}: ` : ''}${first.message}${more}`;
}

export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
  readonly code = 'not-found';
  constructor(what: string, key: string, details: Record<string, unknown> = {}) {
    super(`${what} '${key}' does not exist`, { ...details, key });
  }
}

export class AlreadyExistsError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'already-exists';
  constructor(what: string, key: string) {
    super(`${what} '${key}' already exists; update it instead, or pick another name`, { key });
  }
}

export class VersionConflictError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'version-conflict';
  constructor(what: string, key: string, expectedVersion: number, currentVersion: number) {
    super(
      `${what} '${key}' is at version ${currentVersion}, not ${expectedVersion}: someone changed it since you read it; fetch it again, re-apply your change and retry`,
      { key, expectedVersion, currentVersion },
    );
  }
}

export class PreconditionRequiredError extends DomainError {
  readonly kind = 'precondition-required';
  readonly code = 'version-required';
  constructor(what: string, key: string) {
    super(
      `changing ${what} '${key}' needs the version you read: send it as If-Match or expected-version`,
      { key },
    );
  }
}

/** A referenced item is missing (reported with the path of the field that refers to it). */
export class DanglingReferenceError extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'dangling-reference';
  constructor(readonly errors: FieldProblem[]) {
    super(describeProblems(errors), { errors });
  }
}

/** An item cannot be deleted while others refer to it. */
export class ReferencedError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'still-referenced';
  constructor(what: string, key: string, referrers: { type: string; key: string }[]) {
    const names = referrers.map((r) => `${r.type} '${r.key}'`).join(', ');
    super(`${what} '${key}' is still used by ${names}; change or delete those first`, { key, referrers });
  }
}

/** A value that must be unique across items (such as a service port) is already taken. */
export class UniquenessError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'not-unique';
  constructor(message: string, details: Record<string, unknown>) {
    super(message, details);
  }
}

export class NotImplementedError extends DomainError {
  readonly kind = 'not-implemented';
  readonly code = 'not-implemented';
}

export class DependencyUnavailableError extends DomainError {
  readonly kind = 'unavailable';
  readonly code = 'dependency-unavailable';
}

/** A stored record could not be read back as written; the store is damaged. */
export class CorruptDataError extends DomainError {
  readonly kind = 'unavailable';
  readonly code = 'corrupt-data';
}

/** The request has no valid identity: no credentials, wrong ones, or an expired or tampered token. */
export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated';
  constructor(
    readonly code: 'login-required' | 'invalid-credentials' | 'token-expired' | 'token-invalid' | 'token-revoked' | 'user-disabled',
    message: string,
  ) {
    super(message);
  }
}

/** The actor is known but lacks a permission; `missing` names it so an admin can grant it. */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
  readonly code: string;
  constructor(message: string, details: Record<string, unknown> = {}, code = 'permission-denied') {
    super(message, details);
    this.code = code;
  }
}

/** Too many attempts (e.g. failed sign-ins); retry after the given time. */
export class TooManyAttemptsError extends DomainError {
  readonly kind = 'rate-limited';
  readonly code = 'too-many-attempts';
  constructor(retryAfterMs: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(`too many failed sign-ins; wait ${seconds} s and try again`, { retryAfterSeconds: seconds });
  }
}

/** An instance is not in the state an operation needs (stopping an in-service group member, starting a terminated one). */
export class InstanceStateError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'instance-state';
  constructor(instanceId: string, state: string, hint: string) {
    super(`instance '${instanceId}' is ${state}; ${hint}`, { instanceId, state });
  }
}

/** A group cannot be deleted while it still has instances, unless the deletion is forced. */
export class GroupNotEmptyError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'group-not-empty';
  constructor(group: string, instanceIds: string[]) {
    super(
      `group '${group}' still has ${instanceIds.length} instance(s) (${instanceIds.join(', ')}); terminate them first, or delete the group with force`,
      { group, instanceIds },
    );
  }
}

/** A registry (KV) value is larger than Consul's limit of 512 KiB. */
export class RegistryValueTooLargeError extends DomainError {
  readonly kind = 'too-large';
  readonly code = 'registry-value-too-large';
  constructor(key: string, sizeBytes: number, limitBytes: number) {
    super(
      `the value for registry key '${key}' is ${sizeBytes} bytes, above the limit of ${limitBytes} bytes; store large data in the package store and put its key in the registry`,
      { key, sizeBytes, limitBytes },
    );
  }
}

/** Names a stored package in messages: `Hello 1.0.0` or `Hello 1.0.0 for environment c50`. */
function describePackage(ref: { service: string; version: string; environment?: string | undefined }): string {
  return `${ref.service} ${ref.version}${ref.environment !== undefined ? ` for environment ${ref.environment}` : ''}`;
}

function packageDetails(ref: { service: string; version: string; environment?: string | undefined }): Record<string, unknown> {
  return { service: ref.service, version: ref.version, ...(ref.environment !== undefined ? { environment: ref.environment } : {}) };
}

/** A package version is stored once and never replaced: a changed build needs a new version. */
export class PackageExistsError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'package-exists';
  constructor(ref: { service: string; version: string; environment?: string | undefined }) {
    super(`package ${describePackage(ref)} is already stored and packages are never replaced; upload the build as a new version`, packageDetails(ref));
  }
}

/** An upload (package or log) is larger than the configured limit. */
export class PayloadTooLargeError extends DomainError {
  readonly kind = 'too-large';
  readonly code = 'too-large';
  constructor(what: string, limitBytes: number) {
    super(`${what} is larger than the limit of ${limitBytes} bytes; make it smaller or ask an administrator to raise the limit`, { limitBytes });
  }
}

/** An uploaded archive is not a deployable package; `errors` lists every problem found. */
export class InvalidPackageError extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'invalid-package';
  constructor(
    ref: { service: string; version: string; environment?: string | undefined },
    readonly errors: FieldProblem[],
  ) {
    super(`package ${describePackage(ref)} is not a valid package: ${describeProblems(errors)}`, { ...packageDetails(ref), errors });
  }
}

/** A key or name cannot be used to store a package or blob (empty, absolute, `..`, NUL, ...). */
export class InvalidStorageKeyError extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'invalid-storage-key';
  constructor(key: string, reason: string) {
    const shown = Array.from(key.slice(0, 200), (ch) => (ch.charCodeAt(0) < 32 ? '?' : ch)).join('');
    super(`'${shown}' cannot be used as a storage key: ${reason}`, { key: shown });
  }
}

/** A change would leave EM without an enabled administrator, so nobody could grant anything again. */
export class LastAdminError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'last-admin';
}

/** Another deployment of the service to the environment has not ended yet (SPEC §5: one at a time). */
export class DeploymentInProgressError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'deployment-in-progress';
  constructor(environment: string, service: string, activeDeploymentId: string) {
    super(
      `deployment '${activeDeploymentId}' of '${service}' to '${environment}' is still in progress; wait for it to end, or cancel it, and retry`,
      { environment, service, activeDeploymentId },
    );
  }
}

/**
 * A request that is well-formed but cannot be carried out as the configuration stands (SPEC §5 "Ours": 422), e.g. a
 * server role whose cluster is missing. `code` names the refusal.
 */
export class UnprocessableError extends DomainError {
  readonly kind = 'unprocessable';
  constructor(
    readonly code: string,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, details);
  }
}

/** An environment whose deployments are locked refuses deployments (SPEC §5: 423), naming who locked it and why. */
export class EnvironmentLockedError extends DomainError {
  readonly kind = 'locked';
  readonly code = 'deployments-locked';
  constructor(environment: string, lock: { by?: string | undefined; reason?: string | undefined; at?: string | undefined }) {
    const who = lock.by ? ` by ${lock.by}` : '';
    const when = lock.at ? ` at ${lock.at}` : '';
    const why = lock.reason ? `: ${lock.reason}` : '';
    super(`deployments to environment '${environment}' are locked${who}${when}${why}; unlock it first (DELETE /api/v1/environments/${environment}/deploy-lock)`, {
      environment,
      ...(lock.by ? { lockedBy: lock.by } : {}),
      ...(lock.reason ? { reason: lock.reason } : {}),
      ...(lock.at ? { lockedAt: lock.at } : {}),
    });
  }
}

/** A refusal whose kind and code come from a pure decision (e.g. a `DeploymentRefusal` of the deployment core). */
export class RefusedError extends DomainError {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, details);
  }
}
