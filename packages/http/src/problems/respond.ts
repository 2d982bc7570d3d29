import { PROBLEM_CONTENT_TYPE } from './problem.js';
import type { Problem } from '@envmgr/api-contract';

export function problemResponse(p: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(p), { status: p.status, headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers } });
}
