import { z } from 'zod';
import { invalidResponseError } from './api-error.js';
import { nextCursorOf, parseReply, type Reply } from './transport.js';
import type { ListPage } from './types.js';

/** A page of a list route: the parsed array plus the cursor from `X-Next-Cursor` or `Link`. */
export function toPage<S extends z.ZodType>(reply: Reply, itemSchema: S): ListPage<z.output<S>> {
  return { items: parseReply(reply, z.array(itemSchema)), nextCursor: nextCursorOf(reply.headers), requestId: reply.requestId };
}

/**
 * Yields every item of every page, fetching each page only when the previous one is used up.
 * Throws `invalid-response` if the server hands back a cursor it already gave, rather than loop forever.
 */
export async function* paginate<T>(
  fetchPage: (cursor: string | undefined) => Promise<ListPage<T>>,
  opts: { label: string; firstCursor?: string | undefined },
): AsyncGenerator<T, void, undefined> {
  const seen = new Set<string>();
  let cursor = opts.firstCursor;
  do {
    const page = await fetchPage(cursor);
    yield* page.items;
    cursor = page.nextCursor;
    if (cursor !== undefined && seen.has(cursor)) {
      throw invalidResponseError({ method: 'GET', url: opts.label, status: 200, requestId: page.requestId }, `the cursor '${cursor}' came back twice`);
    }
    if (cursor !== undefined) seen.add(cursor);
  } while (cursor !== undefined);
}
