import { PROBLEM_CONTENT_TYPE } from './problem.js';
import type { Problem } from '@envmgr/api-contract';

export function problemResponse(p: Problem, headers: Record<string, string> = {}): Response {
  const retry: Record<string, string> = typeof p['retryAfterSeconds'] === 'number' ? { 'Retry-After': String(p['retryAfterSeconds']) } : {};
  const challenge: Record<string, string> = p.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="envmgr"' } : {};
  return new Response(JSON.stringify(p), { status: p.status, headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...retry, ...challenge, ...headers } });
}
