import { z } from 'zod';

/*
 * Building blocks of the entity schemas. Every schema here must stay free of transforms: what the API returns has
 * to parse again with the same schema, and OpenAPI is generated from these schemas. Regular expressions carry no
 * flags because JSON Schema `pattern` cannot express them.
 */

export const NAME_MAX = 255;
export const TEXT_MAX = 4096;

type IssueLike = { input?: unknown };

function shown(input: unknown): string {
  const text = JSON.stringify(input) ?? String(input);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * One message for every way a field can fail, so the caller always learns what is allowed and what was sent.
 * `secret` keeps the received value out of the message (it may end up in logs).
 */
export function hint(allowed: string, opts: { secret?: boolean } = {}) {
  return {
    error: (iss: IssueLike) => {
      if (iss.input === undefined) return `is required: ${allowed}`;
      return opts.secret ? allowed : `${allowed}; got ${shown(iss.input)}`;
    },
  };
}

/** A closed object: unknown fields are rejected with the list of allowed ones. */
export function closed<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') {
        const s = iss.keys.length > 1 ? 's' : '';
        return `unknown field${s} ${iss.keys.join(', ')}; allowed fields: ${allowed}`;
      }
      return iss.input === undefined ? `is required: an object with fields ${allowed}` : `must be an object with fields ${allowed}`;
    },
  });
}

export function str(allowed: string, o: { max: number; min?: number; pattern?: RegExp; secret?: boolean }) {
  const e = hint(allowed, { secret: o.secret ?? false });
  let s = z.string(e).max(o.max, e);
  if (o.min !== undefined) s = s.min(o.min, e);
  if (o.pattern) s = s.regex(o.pattern, e);
  return s;
}

// One line, no leading or trailing white space: names end up in keys, URLs, tags and nginx files.
const SINGLE_LINE = /^\S(?:.*\S)?$/;

/** A name or identifier: 1–`max` characters on one line. */
export function name(max = NAME_MAX) {
  return str(`must be 1-${max} characters on one line, without leading or trailing spaces`, { min: 1, max, pattern: SINGLE_LINE });
}

/** Free text such as a description. */
export function text(max = TEXT_MAX) {
  return str(`must be text of at most ${max} characters`, { max });
}

/** A whole number from `min` to `max` (without `max`: any safe integer from `min`). */
export function int(min: number, max?: number, unit = '') {
  const e = hint(max === undefined ? `must be a whole number of at least ${min}${unit}` : `must be a whole number from ${min} to ${max}${unit}`);
  const n = z.int(e).min(min, e);
  return max === undefined ? n : n.max(max, e);
}

export function bool() {
  return z.boolean(hint('must be true or false'));
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, hint(`must be one of ${values.join(', ')}`));
}

export function list<T extends z.ZodType>(item: T, max: number, what: string) {
  const e = hint(`must be a list of at most ${max} ${what}`);
  return z.array(item, e).max(max, e);
}

export function email() {
  const e = hint('must be an email address such as team@example.com (at most 254 characters)');
  return z.email(e).max(254, e);
}

export function httpUrl() {
  const e = hint('must be an http or https URL of at most 2048 characters');
  return z.httpUrl(e).max(2048, e);
}

export const schemaVersion = () => int(1, 1000).meta({ description: 'version of the item layout, kept from EM' });

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = `${OCTET}(?:\\.${OCTET}){3}`;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';

export const ipv4 = () => str('must be an IPv4 address such as 10.0.0.1', { max: 15, pattern: new RegExp(`^${IPV4}$`) });

export const ipv4OrCidr = () =>
  str('must be an IPv4 address or CIDR block such as 10.0.0.0/8', { max: 18, pattern: new RegExp(`^${IPV4}(?:/(?:3[0-2]|[12]?\\d))?$`) });

/** A server address: an IPv4 address or a DNS name. */
export const host = () =>
  str('must be an IPv4 address or a DNS name (labels of letters, digits and inner hyphens)', {
    min: 1,
    max: 253,
    pattern: new RegExp(`^(?:${IPV4}|${LABEL}(?:\\.${LABEL})*)$`),
  });

export const awsAccountNumber = () => str('must be a 12-digit AWS account number (a string, keeping leading zeros)', { max: 12, pattern: /^\d{12}$/ });

export const environmentName = () =>
  str('must be 1-32 letters or digits, starting with a letter (e.g. c50)', { max: 32, pattern: /^[A-Za-z][A-Za-z0-9]{0,31}$/ });

const SLICE_SUFFIX = /-(?:blue|green|none)$/i;

export const serviceName = () =>
  str('must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit', { max: 64, pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/ })
    // -blue/-green/-none name slices (Consul ids are <env>-<service>[-<slice>]), so a service named so is ambiguous.
    .refine((s) => !SLICE_SUFFIX.test(s), { error: 'must not end in -blue, -green or -none; those suffixes name slices' });

export const subnetTypeName = () =>
  str('must be 1-64 letters or digits, starting with a letter (e.g. PrivateApp)', { max: 64, pattern: /^[A-Za-z][A-Za-z0-9]{0,63}$/ });

/** A nginx-style duration such as 30s, 10m or 1h (no unit means seconds). */
export const duration = () => str('must be a number with an optional unit ms, s, m or h (e.g. 30s)', { min: 1, max: 16, pattern: /^\d+(?:ms|[smh])?$/ });
