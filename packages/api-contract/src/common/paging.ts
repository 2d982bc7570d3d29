import { z } from 'zod';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** Query parameters of every list endpoint. The next page's cursor comes back in `X-Next-Cursor` and `Link`. */
export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE).meta({ description: `page size, at most ${MAX_PAGE_SIZE}` }),
  cursor: z.string().max(2000).optional().meta({ description: 'opaque cursor from `X-Next-Cursor` of the previous page' }),
});
export const NEXT_CURSOR_HEADER = 'x-next-cursor';
