import { DomainError, type ErrorKind, type FieldProblem } from '@envmgr/domain';
import type { Problem } from '@envmgr/api-contract';

/** The one table from error kind to HTTP status. */
const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  'unsupported-media-type': 415,
  'precondition-required': 428,
  unprocessable: 422,
  locked: 423,
  'not-implemented': 501,
  'rate-limited': 429,
  unavailable: 503,
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problem(status: number, code: string, detail: string, requestId: string, extra: Record<string, unknown> = {}): Problem {
  return { ...extra, type: `/problems/${code}`, title: code, status, detail, code, requestId };
}

/** Maps any thrown value to a problem. Only DomainErrors reveal their message; anything else is a 500. */
export function toProblem(err: unknown, requestId: string): Problem {
  if (err instanceof DomainError) return problem(STATUS[err.kind], err.code, err.message, requestId, err.details);
  return problem(500, 'internal', 'unexpected error; quote the requestId when you report it', requestId);
}

/** A 400 listing every schema problem of a request, with paths like `Value.Consul.Port`. */
export function validationProblem(errors: FieldProblem[], requestId: string, where: string): Problem {
  const first = errors[0];
  const detail = first ? `${where} is invalid: ${first.path ? `${first.path}: ` : ''}${first.message}` : `${where} is invalid`;
  return problem(400, 'validation-failed', errors.length > 1 ? `${detail} (and ${errors.length - 1} more)` : detail, requestId, { errors });
}

/** zod issues as located field problems. */
export function zodProblems(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): FieldProblem[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message.charAt(0).toLowerCase() + i.message.slice(1) }));
}
