/**
 * The webhook signature (docs/notifications.md): header `X-EM-Signature: t=<unix seconds>,v1=<hex>`, where `<hex>` is
 * HMAC-SHA256 with the subscription's secret over `<t>.<raw body>`. Signing the timestamp with the body makes a
 * captured delivery useless after the tolerance; receivers drop repeats by the `X-EM-Event-Id` they have seen.
 */
export const SIGNATURE_HEADER = 'X-EM-Signature';
export const EVENT_ID_HEADER = 'X-EM-Event-Id';
export const EVENT_TYPE_HEADER = 'X-EM-Event-Type';
export const DELIVERY_ID_HEADER = 'X-EM-Delivery-Id';

/** How old a signed timestamp a receiver should accept. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** The text the HMAC covers. */
export function signedPayload(timestampSeconds: number, body: string): string {
  return `${timestampSeconds}.${body}`;
}

export function formatSignatureHeader(timestampSeconds: number, hexDigest: string): string {
  return `t=${timestampSeconds},v1=${hexDigest}`;
}

/** The timestamp and `v1` digests of a signature header, or undefined when it is malformed. */
export function parseSignatureHeader(header: string): { timestampSeconds: number; digests: string[] } | undefined {
  let timestampSeconds: number | undefined;
  const digests: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't' && v && /^\d{1,12}$/.test(v)) timestampSeconds = Number(v);
    else if (k === 'v1' && v && /^[0-9a-f]{64}$/.test(v)) digests.push(v);
  }
  return timestampSeconds === undefined || digests.length === 0 ? undefined : { timestampSeconds, digests };
}

/** True when a signed timestamp is within the tolerance of `nowMs`, either way (clock skew). */
export function isFreshSignature(timestampSeconds: number, nowMs: number, toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS): boolean {
  return Math.abs(nowMs / 1000 - timestampSeconds) <= toleranceSeconds;
}
