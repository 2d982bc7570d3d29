/**
 * The glob dialect of permission `Resource` patterns (SPEC §9), matched case-insensitively against a whole path:
 * - `*` any run of characters within one segment (never `/`), possibly empty;
 * - `**` (or more stars) any run of characters, `/` included, possibly empty;
 * - `?` exactly one character other than `/`;
 * - `{a,b}` one of the comma-separated alternatives, which may use the wildcards above but not nested braces;
 *   a `{` without a later `}` is literal;
 * - everything else, backslash included, is literal.
 */
export function matchesGlob(pattern: string, path: string): boolean {
  return compile(pattern).test(path);
}

// Patterns come from a few hundred permission entries, so a small memo saves recompiling them on every request.
// It is cleared when full rather than evicted entry by entry: simpler, and a refill costs microseconds.
const MAX_CACHED_PATTERNS = 1000;
const compiled = new Map<string, RegExp>();

function compile(pattern: string): RegExp {
  const hit = compiled.get(pattern);
  if (hit) return hit;
  if (compiled.size >= MAX_CACHED_PATTERNS) compiled.clear();
  const re = new RegExp(`^${toRegexSource(pattern)}$`, 'i');
  compiled.set(pattern, re);
  return re;
}

function toRegexSource(pattern: string): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern.charAt(i);
    if (ch === '*') {
      let end = i;
      while (pattern.charAt(end) === '*') end += 1;
      out += end - i > 1 ? '.*' : '[^/]*';
      i = end;
    } else if (ch === '?') {
      out += '[^/]';
      i += 1;
    } else if (ch === '{' && closingBrace(pattern, i) > 0) {
      const close = closingBrace(pattern, i);
      const alternatives = pattern.slice(i + 1, close).split(',');
      out += `(?:${alternatives.map(toRegexSource).join('|')})`;
      i = close + 1;
    } else {
      out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      i += 1;
    }
  }
  return out;
}

/** Index of the `}` closing the `{` at `open`, or -1 when there is none before another `{` (no nesting). */
function closingBrace(pattern: string, open: number): number {
  for (let j = open + 1; j < pattern.length; j += 1) {
    const c = pattern.charAt(j);
    if (c === '}') return j;
    if (c === '{') return -1;
  }
  return -1;
}
