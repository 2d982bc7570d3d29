import { ValidationError } from '@envmgr/domain';

/** Cursors are opaque to clients: base64url JSON of where the next page starts. */
export function encodeCursor(value: string | number): string {
  return Buffer.from(JSON.stringify({ v: value })).toString('base64url');
}

export function decodeCursor<T extends 'string' | 'number'>(cursor: string | undefined, kind: T): (T extends 'string' ? string : number) | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const v = typeof parsed === 'object' && parsed !== null && 'v' in parsed ? parsed.v : undefined;
    if (typeof v === kind) return v as T extends 'string' ? string : number;
  } catch {
    // reported below
  }
  throw new ValidationError([{ path: 'cursor', message: 'is not a cursor this server issued; use the X-Next-Cursor value of the previous page' }]);
}

/** Sets `X-Next-Cursor` and an RFC 8288 `Link: <...>; rel="next"` for the next page. */
export function nextPageHeaders(url: string, next: string | number | undefined): Record<string, string> {
  if (next === undefined) return {};
  const cursor = encodeCursor(next);
  const u = new URL(url);
  u.searchParams.set('cursor', cursor);
  return { 'X-Next-Cursor': cursor, Link: `<${u.pathname}${u.search}>; rel="next"` };
}
