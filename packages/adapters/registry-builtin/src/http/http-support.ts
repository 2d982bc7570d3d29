import { DomainError, NotFoundError, RegistryValueTooLargeError, ValidationError } from '@envmgr/domain';
import { REGISTRY_DEFAULT_WAIT_MS, effectiveWaitMs, type ReadOptions } from '@envmgr/ports';
import type { HttpBindings } from '@hono/node-server';
import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { NotTtlCheckError, type NodeIdentity } from '../engine/agent-writes.js';
import { parseGoDuration } from './go-duration.js';

/** The registry's Hono app, served by @hono/node-server. */
export type RegistryApp = Hono<{ Bindings: HttpBindings }>;

/** Headers that name the calling node (ADR 0002). Consul ignores them; the built-in registry serves many nodes. */
export const NODE_HEADER = 'X-Envmgr-Node';
export const NODE_ADDRESS_HEADER = 'X-Envmgr-Node-Address';

/** A request Consul would refuse, answered as Consul does: a status and a plain-text reason. */
export class ConsulHttpError extends ValidationError {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly reason: string,
  ) {
    super([{ path: '', message: reason }], reason);
  }
}

/** Whether a query flag is present, as Consul reads `?recurse`, `?raw`, `?keys`, `?passing` (any value). */
export const hasFlag = (c: Context, name: string): boolean => c.req.queries(name) !== undefined;

/** A boolean flag as Consul reads `?passing`: present and empty, or a true value (`true`, `1`, `t`). */
export function boolFlag(c: Context, name: string): boolean {
  const value = c.req.query(name);
  if (value === undefined) return false;
  return value === '' || ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value);
}

function uint(c: Context, name: string, invalid: string): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw new ConsulHttpError(400, invalid);
  return Number(raw);
}

/** An unsigned integer parameter such as `cas` or `flags`. */
export const uintParam = (c: Context, name: string): number | undefined => uint(c, name, `Invalid value for ${name}: "${c.req.query(name)}"`);

/**
 * Consul's blocking parameters: `index` (an unsigned integer) and `wait` (a Go duration; absent or 0 means 5
 * minutes, more than 10 minutes is capped). The wait ends early when the connection closes: the client went away,
 * or the server is stopping (it closes every connection).
 */
export function blockingOptions(c: Context): ReadOptions {
  const index = uint(c, 'index', 'Invalid index');
  const rawWait = c.req.query('wait');
  let waitMs = REGISTRY_DEFAULT_WAIT_MS;
  if (rawWait !== undefined && rawWait !== '') {
    const parsed = parseGoDuration(rawWait);
    if (parsed === undefined) throw new ConsulHttpError(400, 'Invalid wait time');
    waitMs = parsed <= 0 ? REGISTRY_DEFAULT_WAIT_MS : effectiveWaitMs(parsed);
  }
  return { index, waitMs, signal: c.req.raw.signal };
}

/** The headers Consul sets on every read. */
export function readHeaders(index: number): Record<string, string> {
  return { 'X-Consul-Index': String(index), 'X-Consul-KnownLeader': 'true', 'X-Consul-LastContact': '0' };
}

/**
 * The node an agent request acts for: `X-Envmgr-Node` with `X-Envmgr-Node-Address` (else the caller's IP), or the
 * registry's own node when the request names none, as a plain Consul client talks to its local agent.
 */
export function nodeOf(c: Context, own: NodeIdentity, peerAddress: string | undefined): NodeIdentity {
  const name = c.req.header(NODE_HEADER);
  if (name === undefined || name === '') return own;
  const address = c.req.header(NODE_ADDRESS_HEADER) || peerAddress || own.address;
  return { name, address: address.replace(/^::ffff:/, '') };
}

/** Domain errors answered as Consul answers the same failures: a status and plain text. */
export function consulErrorResponse(err: unknown, c: Context): Response {
  if (err instanceof ConsulHttpError) return c.text(err.reason, err.status);
  if (err instanceof RegistryValueTooLargeError) {
    const { sizeBytes, limitBytes } = err.details as { sizeBytes: number; limitBytes: number };
    return c.text(
      `Request body(${sizeBytes} bytes) too large, max size: ${limitBytes} bytes. See https://developer.hashicorp.com/docs/agent/config/config-files#kv_max_value_size.`,
      413,
    );
  }
  // Consul (≤ 1.16) answers a TTL report on a non-TTL check with a 500
  if (err instanceof NotTtlCheckError) return c.text(String(err.details.reason), 500);
  if (err instanceof NotFoundError) return c.text(typeof err.details.reason === 'string' ? err.details.reason : err.message, 404);
  if (err instanceof ValidationError) return c.text(err.message, 400);
  if (err instanceof DomainError) return c.text(err.message, 500);
  return c.text('internal error in the built-in registry', 500);
}
