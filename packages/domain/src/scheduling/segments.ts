/** A piece of a schedule's text with its offset in the whole text, so that errors can point at it. */
export interface Segment {
  text: string;
  offset: number;
}

/** Splits on every `separator`; pieces keep their surrounding whitespace. */
export function splitSegment(s: Segment, separator: string): Segment[] {
  const out: Segment[] = [];
  let start = 0;
  for (;;) {
    const at = s.text.indexOf(separator, start);
    if (at < 0) break;
    out.push({ text: s.text.slice(start, at), offset: s.offset + start });
    start = at + separator.length;
  }
  out.push({ text: s.text.slice(start), offset: s.offset + start });
  return out;
}

export function trimSegment(s: Segment): Segment {
  const lead = s.text.length - s.text.trimStart().length;
  return { text: s.text.trim(), offset: s.offset + lead };
}

/** The whitespace-separated words of a segment. */
export function words(s: Segment): Segment[] {
  const out: Segment[] = [];
  for (const m of s.text.matchAll(/\S+/g)) out.push({ text: m[0], offset: s.offset + m.index });
  return out;
}

/** The item part and the optional zone part of a cron schedule, split at `|`. */
export interface ScheduleParts {
  items: Segment;
  /** Each further `|`-separated part; one means a zone, more is an error. */
  rest: Segment[];
}

export function scheduleParts(text: string): ScheduleParts {
  const [items = { text: '', offset: 0 }, ...rest] = splitSegment({ text, offset: 0 }, '|');
  return { items, rest };
}

/**
 * The `;`-separated items of the item part, trimmed. One trailing empty item (the text ends with `;`) is dropped
 * and reported, since EM's reading differs there.
 */
export function itemSegments(items: Segment): { items: Segment[]; trailingSemicolon: Segment | undefined } {
  const raw = splitSegment(items, ';');
  const last = raw.at(-1);
  if (raw.length > 1 && last !== undefined && last.text.trim() === '') {
    raw.pop();
    return { items: raw.map(trimSegment), trailingSemicolon: { text: ';', offset: last.offset - 1 } };
  }
  return { items: raw.map(trimSegment), trailingSemicolon: undefined };
}
