import type { ConfigType } from '@envmgr/api-contract';
import { ENTITY_SCHEMAS } from '@envmgr/api-contract';

/*
 * The form of a configuration item is generated from the same zod schema the server validates it with: required
 * objects become groups of fields, strings, numbers, booleans and enums become inputs, and anything richer (lists,
 * unions, optional objects) is edited as JSON in its own field. The schema then checks the whole document, so the
 * form and the API agree on every rule.
 */

export type FieldKind =
  | { kind: 'text' }
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'enum'; options: readonly string[] }
  | { kind: 'json' };

export interface FieldSpec {
  /** Dotted path in the document, e.g. `Value.OwningCluster`. */
  path: string;
  /** The field's own name. */
  label: string;
  required: boolean;
  description: string | undefined;
  field: FieldKind;
}

/** The part of a zod schema this module reads; zod 4 exposes it as `def`, `shape`, `options` and `description`. */
interface SchemaLike {
  def: { type: string; innerType?: SchemaLike };
  shape?: Record<string, SchemaLike>;
  options?: readonly unknown[];
  description?: string | undefined;
}

/** The fields of a type's form, in schema order. */
export function fieldsOf(type: ConfigType): FieldSpec[] {
  const schema: SchemaLike = ENTITY_SCHEMAS[type];
  return walk(schema, '');
}

function walk(schema: SchemaLike, prefix: string): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (const [name, raw] of Object.entries(schema.shape ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    const { inner, required, description } = unwrap(raw);
    // a required object is a group of fields; an optional one is all-or-nothing, so it is edited as one JSON value
    if (inner.def.type === 'object' && required) out.push(...walk(inner, path));
    else out.push({ path, label: name, required, description, field: kindOf(inner) });
  }
  return out;
}

function unwrap(schema: SchemaLike): { inner: SchemaLike; required: boolean; description: string | undefined } {
  let s = schema;
  let required = true;
  let description = schema.description;
  while ((s.def.type === 'optional' || s.def.type === 'nullable' || s.def.type === 'default') && s.def.innerType) {
    if (s.def.type !== 'nullable') required = false;
    s = s.def.innerType;
    description ??= s.description;
  }
  return { inner: s, required, description };
}

function kindOf(s: SchemaLike): FieldKind {
  switch (s.def.type) {
    case 'string':
      return { kind: 'text' };
    case 'number':
      return { kind: 'number' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'enum':
      return { kind: 'enum', options: (s.options ?? []).map(String) };
    default:
      return { kind: 'json' };
  }
}

export type Doc = Record<string, unknown>;

/** The raw input of each field, read from a document. */
export function formValues(fields: readonly FieldSpec[], doc: Doc): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f.path, toInput(f, getAt(doc, f.path))]));
}

function toInput(f: FieldSpec, v: unknown): string {
  if (v === undefined || v === null) return '';
  if (f.field.kind === 'json' || typeof v === 'object') return JSON.stringify(v, null, 2);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export interface FieldError {
  path: string;
  message: string;
}

/**
 * The document the form describes: `base` with every field replaced by its input (empty optional fields are left
 * out). Fields the form does not show keep their values. Inputs that cannot be read (bad JSON) are returned as errors.
 */
export function documentOf(fields: readonly FieldSpec[], values: Readonly<Record<string, string>>, base: Doc): { doc: Doc; errors: FieldError[] } {
  const doc = structuredClone(base);
  const errors: FieldError[] = [];
  for (const f of fields) {
    const raw = values[f.path] ?? '';
    if (raw.trim() === '' && f.field.kind !== 'text') {
      deleteAt(doc, f.path);
      continue;
    }
    if (raw === '' && !f.required) {
      deleteAt(doc, f.path);
      continue;
    }
    switch (f.field.kind) {
      case 'number':
        setAt(doc, f.path, Number.isFinite(Number(raw)) ? Number(raw) : raw);
        break;
      case 'boolean':
        setAt(doc, f.path, raw === 'true');
        break;
      case 'json':
        try {
          setAt(doc, f.path, JSON.parse(raw) as unknown);
        } catch (err) {
          errors.push({ path: f.path, message: `is not valid JSON: ${err instanceof Error ? err.message : String(err)}` });
        }
        break;
      default:
        setAt(doc, f.path, raw);
    }
  }
  return { doc, errors };
}

/** Checks a document against the type's schema; each problem carries the dotted path the API would report. */
export function validate(type: ConfigType, doc: Doc): FieldError[] {
  const result = ENTITY_SCHEMAS[type].safeParse(doc);
  if (result.success) return [];
  return result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** The field an error belongs to: the field whose path is the longest prefix of the error's path, if any. */
export function fieldOfError(fields: readonly FieldSpec[], errorPath: string): string | undefined {
  let best: string | undefined;
  for (const f of fields) {
    if ((errorPath === f.path || errorPath.startsWith(`${f.path}.`)) && (best === undefined || f.path.length > best.length)) best = f.path;
  }
  return best;
}

export function getAt(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setAt(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = doc;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[part] = {};
    cur = cur[part] as Doc;
  }
  cur[parts[parts.length - 1] ?? ''] = value;
}

function deleteAt(doc: Doc, path: string): void {
  const parts = path.split('.');
  const target = parts.length === 1 ? doc : getAt(doc, parts.slice(0, -1).join('.'));
  if (target && typeof target === 'object') delete (target as Doc)[parts[parts.length - 1] ?? ''];
}
