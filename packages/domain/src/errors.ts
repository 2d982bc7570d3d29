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
  | 'too-large'
  | 'unsupported-media-type'
  | 'not-implemented'
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
