import { ACCOUNT_PURPOSES, checkSetupInput, type AccountPurpose, type IamSetupInput, type SetupAccount } from '@envmgr/iam-setup';
import { UsageError } from './failure.js';

/** An account as EM registers it (`envmgr config list accounts` / export), reduced to what the set-up needs. */
export interface RegisteredAccount {
  AccountName: string;
  AccountNumber: string;
  /** What the account is for (SPEC §2); absent on items registered before accounts had a purpose. */
  Purpose?: AccountPurpose;
  OrganizationalUnit?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new UsageError(`${where}: '${key}' must be a non-empty string`);
  return v;
}

/** Reads a list of registered accounts: a JSON array of account items, or `{ "items": [...] }` as list pages are. */
export function parseRegisteredAccounts(value: unknown, source: string): RegisteredAccount[] {
  const list = Array.isArray(value) ? value : isObject(value) && Array.isArray(value.items) ? value.items : undefined;
  if (!list) throw new UsageError(`${source} must be a JSON array of accounts (as \`envmgr config list accounts --json\` prints)`);
  return list.map((item: unknown, i) => {
    if (!isObject(item)) throw new UsageError(`${source}: item ${i} is not an object`);
    const where = `${source} item ${i}`;
    const number = typeof item.AccountNumber === 'number' ? String(item.AccountNumber).padStart(12, '0') : text(item, 'AccountNumber', where);
    const purpose = item.Purpose === undefined ? {} : { Purpose: purposeOf(item.Purpose, `${where}: Purpose`) };
    const ou = item.OrganizationalUnit === undefined ? {} : { OrganizationalUnit: text(item, 'OrganizationalUnit', where) };
    return { AccountName: text(item, 'AccountName', where), AccountNumber: number, ...purpose, ...ou };
  });
}

function purposeOf(value: unknown, where: string): AccountPurpose {
  if (typeof value === 'string' && (ACCOUNT_PURPOSES as readonly string[]).includes(value)) return value as AccountPurpose;
  throw new UsageError(`${where} '${String(value)}' is not one of ${ACCOUNT_PURPOSES.join(', ')}`);
}

/** A registered account as the generator sees it: its own purpose and unit, else application (shared-services for the master). */
function fromRegistered(r: RegisteredAccount, master: string): SetupAccount {
  const purpose = r.Purpose ?? (r.AccountNumber === master ? 'shared-services' : 'application');
  return { name: r.AccountName, number: r.AccountNumber, purpose, ...(r.OrganizationalUnit ? { organizationalUnit: r.OrganizationalUnit } : {}) };
}

/**
 * Builds the generator's input from the set-up file (`region`, `master`, `buckets`, and optionally `accounts`) and
 * the registered accounts with their `Purpose` and `OrganizationalUnit`. A registered account without a purpose is an
 * application account (the master is shared-services). The file's `accounts` describe accounts EM does not register
 * (security, logs), or override a registered account's purpose and unit. Every problem is reported together.
 */
export function buildSetupInput(file: unknown, registered: readonly RegisteredAccount[], source: string): IamSetupInput {
  if (!isObject(file)) throw new UsageError(`${source} must be a JSON object with region, master, buckets and optionally accounts`);
  const region = text(file, 'region', source);
  const master = text(file, 'master', source);
  const b = file.buckets;
  if (!isObject(b)) throw new UsageError(`${source}: 'buckets' must be an object with config, secure, backup, logs and deploy`);
  const buckets = { config: text(b, 'config', `${source} buckets`), secure: text(b, 'secure', `${source} buckets`), backup: text(b, 'backup', `${source} buckets`), logs: text(b, 'logs', `${source} buckets`), deploy: text(b, 'deploy', `${source} buckets`) };
  const described = new Map<string, SetupAccount>();
  const extra = file.accounts === undefined ? [] : Array.isArray(file.accounts) ? file.accounts : undefined;
  if (!extra) throw new UsageError(`${source}: 'accounts' must be an array`);
  extra.forEach((a: unknown, i) => {
    if (!isObject(a)) throw new UsageError(`${source}: accounts.${i} is not an object`);
    const purpose = text(a, 'purpose', `${source} accounts.${i}`);
    if (!(ACCOUNT_PURPOSES as readonly string[]).includes(purpose)) throw new UsageError(`${source}: accounts.${i}.purpose '${purpose}' is not one of ${ACCOUNT_PURPOSES.join(', ')}`);
    const ou = typeof a.organizationalUnit === 'string' ? { organizationalUnit: a.organizationalUnit } : {};
    const number = text(a, 'number', `${source} accounts.${i}`);
    described.set(number, { name: typeof a.name === 'string' ? a.name : number, number, purpose: purpose as AccountPurpose, ...ou });
  });
  const accounts = new Map<string, SetupAccount>();
  for (const r of registered) {
    const d = described.get(r.AccountNumber);
    accounts.set(r.AccountNumber, { ...fromRegistered(r, master), ...d, name: r.AccountName });
  }
  for (const d of described.values()) if (!accounts.has(d.number)) accounts.set(d.number, d);
  const input: IamSetupInput = { region, master, buckets, accounts: [...accounts.values()] };
  const problems = checkSetupInput(input);
  if (problems.length > 0) {
    throw new UsageError(`the set-up input is not usable:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`, `fix ${source} (or the registered accounts) and run the command again`);
  }
  return input;
}
