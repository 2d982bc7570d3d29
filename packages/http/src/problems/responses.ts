import { ProblemSchema } from '@envmgr/api-contract';
import { PROBLEM_CONTENT_TYPE } from './problem.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'invalid request: the problem lists every field at fault in `errors`',
  401: 'not signed in, or the credentials or token are invalid or expired',
  403: 'signed in, but missing a permission; the problem names it',
  404: 'no such item or route',
  405: 'method not allowed on this path',
  409: 'conflict: stale version, existing key, referenced item or taken unique value',
  413: 'request body too large',
  415: 'request body is not JSON',
  422: 'well-formed, but the configuration does not allow it; the problem says what to fix',
  423: 'the environment is locked against this; the problem names who locked it and why',
  428: 'the version you read is required (If-Match or expected-version)',
  429: 'too many attempts; wait for Retry-After seconds',
  500: 'unexpected error; quote the requestId',
  503: 'a dependency is unavailable; retry later',
};

/** OpenAPI response entries for the given problem statuses (always with 400, 500 and 503). */
export function problemResponses(...statuses: number[]) {
  const all = [...new Set([400, ...statuses, 500, 503])];
  return {
    ...Object.fromEntries(all.map((s) => [s, { description: DESCRIPTIONS[s] ?? 'error', content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } }])),
    // answered by Node's HTTP parser before EM sees the request, without a body
    431: { description: 'the request line or headers are larger than the server accepts' },
  };
}
