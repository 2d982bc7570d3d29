import { PayloadTooLargeError } from '@envmgr/domain';

/**
 * Passes `body` through, failing with PayloadTooLargeError as soon as more than `maxBytes` have gone by, so an
 * oversized upload is cut off without being read to its end. Stopping also stops reading `body`.
 */
export async function* limitBytes(body: AsyncIterable<Uint8Array>, maxBytes: number, what: string): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > maxBytes) throw new PayloadTooLargeError(what, maxBytes);
    yield chunk;
  }
}
