import { ProblemSchema, type Problem } from '../common/problem.js';

/** Codes the client itself assigns (the server's own codes come from `problem.code`). */
export const CLIENT_ERROR_CODES = {
  /** No HTTP response: connection refused, DNS failure, reset before the headers arrived. */
  unreachable: 'unreachable',
  /** A response whose body does not match the contract (bad JSON, wrong shape, a looping cursor). */
  invalidResponse: 'invalid-response',
} as const;

export interface ApiErrorInit {
  /** HTTP status; 0 when no response arrived. */
  status: number;
  /** The problem's `code`, a client code from {@link CLIENT_ERROR_CODES}, or `http-<status>` for a non-problem body. */
  code: string;
  problem?: Problem | undefined;
  requestId?: string | undefined;
  method: string;
  /** The request URL, without any credentials. */
  url: string;
  /** How long to wait before retrying, from `Retry-After` (or the problem's `retryAfterSeconds`); 429 and 503. */
  retryAfterSeconds?: number | undefined;
}

/**
 * A failed API call. Branch on `code` (stable, listed in docs/problems.md) or `status`, never on `message`.
 * It never carries request headers, so an Authorization header cannot leak through it.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem | undefined;
  readonly requestId: string | undefined;
  readonly method: string;
  readonly url: string;
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, init: ApiErrorInit, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.problem = init.problem;
    this.requestId = init.requestId;
    this.method = init.method;
    this.url = init.url;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  /** True for a 5xx answer or a response that broke the contract: the server's fault, not the request's. */
  get isServerError(): boolean {
    return this.status >= 500 || this.code === CLIENT_ERROR_CODES.invalidResponse;
  }
}

/** The error for a request that got no response at all. */
export function unreachableError(method: string, url: string, cause: unknown): ApiError {
  const reason = describeCause(cause);
  return new ApiError(
    `cannot reach the EM server at ${url}${reason ? ` (${reason})` : ''}`,
    { status: 0, code: CLIENT_ERROR_CODES.unreachable, method, url },
    { cause },
  );
}

/** The error for a response that arrived but cannot be what the contract promises. */
export function invalidResponseError(req: { method: string; url: string; status: number; requestId?: string | undefined }, why: string): ApiError {
  return new ApiError(`the server's answer to ${req.method} ${req.url} does not match the API contract: ${why}`, {
    ...req,
    code: CLIENT_ERROR_CODES.invalidResponse,
  });
}

/** The error for a non-2xx response; `body` is the parsed JSON body, or the text when it was not JSON. */
export function responseError(
  req: { method: string; url: string; status: number; requestId?: string | undefined; retryAfterSeconds?: number | undefined },
  body: unknown,
): ApiError {
  const parsed = ProblemSchema.safeParse(body);
  if (parsed.success) {
    const problem = parsed.data;
    const retry = problem['retryAfterSeconds'];
    const retryAfterSeconds = req.retryAfterSeconds ?? (typeof retry === 'number' && Number.isFinite(retry) && retry >= 0 ? Math.ceil(retry) : undefined);
    return new ApiError(problem.detail, { ...req, code: problem.code, problem, requestId: req.requestId ?? problem.requestId, retryAfterSeconds });
  }
  return new ApiError(`${req.method} ${req.url} failed with HTTP ${req.status}`, { ...req, code: `http-${req.status}` });
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return '';
  // Node's fetch throws TypeError('fetch failed') and keeps the useful part (ECONNREFUSED, ENOTFOUND) in `cause`.
  const inner: unknown = cause.cause;
  if (inner instanceof Error && inner.message) return inner.message;
  if (inner && typeof inner === 'object' && 'code' in inner && typeof inner.code === 'string') return inner.code;
  return cause.message;
}
