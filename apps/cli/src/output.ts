/** Pretty JSON with 2-space indents and a trailing newline, as `config export` writes it. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Left-aligned columns separated by two spaces; trailing spaces trimmed. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)];
}

/** A cell's text: lists joined by commas, objects as compact JSON, nothing for null or undefined. */
export function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(cell).join(', ');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

/** An ISO time shortened for a table: `2024-05-01 10:00:00Z`. */
export function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+(?=Z|[+-]\d\d:?\d\d$)/, '');
}
