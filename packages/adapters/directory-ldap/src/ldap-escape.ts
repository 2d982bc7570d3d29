/**
 * Escapes a value for use inside one RDN of a distinguished name (RFC 4514 §2.4): `"` `+` `,` `;` `<` `>` `\` and
 * `=` get a backslash, as do a leading `#` or space and a trailing space; NUL becomes `\00`. Everything else,
 * non-ASCII included, stays as it is (a DN string is UTF-8).
 */
export function escapeDnValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] ?? '';
    if (ch === '\0') out += '\\00';
    else if ('"+,;<>\\='.includes(ch)) out += `\\${ch}`;
    else if ((i === 0 && (ch === '#' || ch === ' ')) || (i === value.length - 1 && ch === ' ')) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

/**
 * Escapes a value for use as an assertion value in a search filter (RFC 4515 §3): `*` `(` `)` `\` and NUL become
 * `\2a` `\28` `\29` `\5c` `\00`, so a value can never add wildcards or filter terms.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (ch) => `\\${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Fills `{name}` placeholders of a template in one pass, so text a value brings in is never read as a placeholder.
 * Unknown placeholders stay as they are.
 */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
