import type { Doc } from './schema-fields.js';

/*
 * Re-applying an edit after someone else changed the item: a three-way merge of JSON values. Where only one side
 * changed a value, that change wins; where both changed the same leaf differently, the local edit wins and the path
 * is reported, so the user can look before saving again.
 */

export interface Merged {
  doc: Doc;
  /** Paths both sides changed differently (the local edit was kept). */
  overlaps: string[];
}

export function mergeEdits(base: Doc, mine: Doc, theirs: Doc): Merged {
  const overlaps: string[] = [];
  const doc = merge(base, mine, theirs, '', overlaps) as Doc;
  return { doc, overlaps };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const isObject = (v: unknown): v is Doc => v !== null && typeof v === 'object' && !Array.isArray(v);

function merge(base: unknown, mine: unknown, theirs: unknown, path: string, overlaps: string[]): unknown {
  if (same(mine, base)) return theirs;
  if (same(theirs, base) || same(mine, theirs)) return mine;
  if (isObject(mine) && isObject(theirs)) {
    const b = isObject(base) ? base : {};
    const out: Doc = {};
    for (const k of new Set([...Object.keys(theirs), ...Object.keys(mine), ...Object.keys(b)])) {
      const v = merge(b[k], mine[k], theirs[k], path ? `${path}.${k}` : k, overlaps);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  overlaps.push(path || '(whole item)');
  return mine;
}
