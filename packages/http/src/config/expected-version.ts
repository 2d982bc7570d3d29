import { ValidationError } from '@envmgr/domain';

const ETAG = /^(?:W\/)?"(\d{1,15})"$/;

export const etag = (version: number): string => `"${version}"`;

/**
 * The version a writer read, from `If-Match` (an ETag EM issued), EM's `expected-version` header, or the body's
 * `Version`. Undefined when none is given (the use case answers 428); 400 when they disagree or are malformed.
 */
export function expectedVersion(ifMatch: string | undefined, header: string | undefined, bodyVersion: number | undefined): number | undefined {
  const found: { source: string; version: number }[] = [];
  if (ifMatch !== undefined) {
    const m = ETAG.exec(ifMatch.trim());
    if (!m) throw new ValidationError([{ path: 'If-Match', message: `'${ifMatch.slice(0, 40)}' is not an ETag of this server, such as "3"` }]);
    found.push({ source: 'If-Match', version: Number(m[1]) });
  }
  if (header !== undefined) {
    if (!/^\d{1,15}$/.test(header.trim())) throw new ValidationError([{ path: 'expected-version', message: `'${header.slice(0, 40)}' is not a version number` }]);
    found.push({ source: 'expected-version', version: Number(header.trim()) });
  }
  if (bodyVersion !== undefined) found.push({ source: 'Version', version: bodyVersion });
  const [first, ...rest] = found;
  const other = rest.find((f) => f.version !== first?.version);
  if (first && other) {
    throw new ValidationError([{ path: other.source, message: `says version ${other.version} but ${first.source} says ${first.version}; send one` }]);
  }
  return first?.version;
}
