/** One changed leaf of a JSON document: its path (`Value.Hosts[0].State`) and its values as JSON text. */
export interface Change {
  path: string;
  before: string | undefined;
  after: string | undefined;
}

/** The leaves that differ between two JSON objects (either may be null: created or deleted), in path order. */
export function diffOf(before: Record<string, unknown> | null, after: Record<string, unknown> | null): Change[] {
  const a = flatten(before ?? {});
  const b = flatten(after ?? {});
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths.filter((p) => a.get(p) !== b.get(p)).map((p) => ({ path: p, before: a.get(p), after: b.get(p) }));
}

function flatten(value: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value) && value.length > 0) value.forEach((v, i) => flatten(v, `${path}[${i}]`, out));
  else if (value !== null && typeof value === 'object' && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) flatten(v, path ? `${path}.${k}` : k, out);
  } else out.set(path, JSON.stringify(value));
  return out;
}
