/** A W3C trace context (https://www.w3.org/TR/trace-context/) as received in `traceparent`. */
export interface TraceContext {
  /** The whole header, normalised to lower case, to hand on unchanged. */
  traceparent: string;
  traceId: string;
  parentId: string;
  sampled: boolean;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * Parses a `traceparent` header; undefined when it is absent or invalid (the spec says to ignore it then): the
 * version `ff`, an all-zero trace or parent id, or a version-00 header with anything after the flags.
 */
export function parseTraceparent(header: string | undefined): TraceContext | undefined {
  const m = header ? TRACEPARENT.exec(header.trim().toLowerCase()) : null;
  if (!m) return undefined;
  const [, version = '', traceId = '', parentId = '', flags = '', rest] = m;
  if (version === 'ff' || /^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  if (version === '00' && rest !== undefined) return undefined;
  return { traceparent: `${version}-${traceId}-${parentId}-${flags}`, traceId, parentId, sampled: (parseInt(flags, 16) & 1) === 1 };
}
