/**
 * What may be copied into an nginx configuration file: values from LB settings and upstreams become directive
 * arguments, and a value that ends a directive (`;`), opens or closes a block (`{`, `}`), starts a comment (`#`) or
 * leaves a quote open would change the file's structure instead of one directive's value. Pure.
 */

/** Why a value cannot be written as nginx arguments; undefined when it can. */
export type SyntaxCheck = string | undefined;

const BARE_TOKEN = /^[^\s;{}"'#\\]+$/;

/**
 * A single argument written as is (a host name, a port, a path, a URL): no white space, `;`, `{`, `}`, quotes, `#`
 * or backslash.
 */
export function checkToken(value: string): SyntaxCheck {
  if (value === '') return 'must not be empty';
  if (BARE_TOKEN.test(value)) return undefined;
  const bad = [...value].find((c) => !BARE_TOKEN.test(c));
  return `must be one nginx argument: '${value}' has ${describeChar(bad ?? '')}, which would end or split the directive`;
}

/**
 * One or more arguments as an nginx directive takes them (`X-Frame-Options DENY always`, `$x "a b"`): bare words
 * and quoted strings separated by spaces. A `;`, `{`, `}` or `#` outside quotes, an unclosed quote, or a line
 * break is refused.
 */
export function checkArguments(value: string): SyntaxCheck {
  const v = value.trim();
  if (v === '') return 'must not be empty';
  if (/[\r\n]/.test(v)) return 'must be on one line';
  let i = 0;
  while (i < v.length) {
    const c = v.charAt(i);
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = closingQuote(v, i);
      if (end < 0) return `must close the quote opened at character ${i + 1} of '${v}'`;
      i = end + 1;
      continue;
    }
    if (c === '#' && (i === 0 || v.charAt(i - 1) === ' ' || v.charAt(i - 1) === '\t')) return `has a '#' outside quotes in '${v}', which nginx reads as a comment`;
    if (c === ';' || c === '{' || c === '}') return `has ${describeChar(c)} outside quotes in '${v}', which would end the directive; quote the argument`;
    // a backslash escapes the next character in nginx; a trailing one would escape the directive's own ';'
    i += c === '\\' ? 2 : 1;
  }
  return v.endsWith('\\') && !v.endsWith('\\\\') ? `must not end with a backslash ('${v}')` : undefined;
}

function closingQuote(v: string, open: number): number {
  const q = v.charAt(open);
  for (let i = open + 1; i < v.length; i++) {
    if (v.charAt(i) === '\\') i++;
    else if (v.charAt(i) === q) return i;
  }
  return -1;
}

/** A value written inside double quotes (a location's regular expression): no `"`, no line break, no trailing `\`. */
export function checkQuotable(value: string): SyntaxCheck {
  if (value === '') return 'must not be empty';
  if (/[\r\n]/.test(value)) return 'must be on one line';
  if (value.includes('"')) return `must not contain a double quote ('${value}'); use \\x22 in a regular expression`;
  if (/(?:^|[^\\])(?:\\\\)*\\$/.test(value)) return `must not end with a backslash ('${value}')`;
  return undefined;
}

/**
 * Raw configuration (`RawNginxConfig`) is copied as it is and `nginx -t` judges it, but its braces must balance
 * (outside quotes and comments), or it would close the location it is written into.
 */
export function checkBalancedBlock(value: string): SyntaxCheck {
  let depth = 0;
  let quote = '';
  let comment = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    if (comment) {
      if (c === '\n') comment = false;
    } else if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') comment = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth < 0) return 'closes a block it did not open (an unmatched })';
  }
  if (quote) return 'leaves a quote open';
  if (depth > 0) return `leaves ${depth} block(s) open (an unmatched {)`;
  return undefined;
}

function describeChar(c: string): string {
  if (c === ' ' || c === '\t') return 'white space';
  if (c === '\n' || c === '\r') return 'a line break';
  return `'${c}'`;
}
