import type { FieldProblem } from '@envmgr/domain';

/**
 * What an account is for, after the multi-account layout of SPEC §2 (seed 002). EM runs in the master
 * (`shared-services`); `application`, `sandbox` and `testing` accounts are its children; `security` and `logs` host
 * no EM infrastructure (the logs account receives CloudTrail and Config of all the others).
 */
export type AccountPurpose = 'shared-services' | 'application' | 'sandbox' | 'testing' | 'security' | 'logs';

export const ACCOUNT_PURPOSES: readonly AccountPurpose[] = ['shared-services', 'application', 'sandbox', 'testing', 'security', 'logs'];

/** Purposes whose accounts get EM's child role, the agents' instance profile and the job roles. */
export const CHILD_PURPOSES: readonly AccountPurpose[] = ['application', 'sandbox', 'testing'];

export interface SetupAccount {
  /** The account's name, as registered (`AccountName`). */
  name: string;
  /** 12 digits, as a string. */
  number: string;
  purpose: AccountPurpose;
  /** The organisational unit (business unit) the account belongs to. @default none */
  organizationalUnit?: string;
}

/** The buckets of SPEC §12, by their placeholder names. Names only, without `arn:` or paths. */
export interface SetupBuckets {
  config: string;
  secure: string;
  backup: string;
  /** Deployment logs the agents upload. */
  logs: string;
  /** Packages the agents download. */
  deploy: string;
}

/** Everything the IAM set-up is generated from. */
export interface IamSetupInput {
  /** The one region of the installation (SPEC §2), e.g. `eu-west-1`. */
  region: string;
  /** @default `aws` */
  partition?: string;
  /** Account number of the master, which must be among `accounts`. */
  master: string;
  /** Master, children, and optionally the security and logs accounts. */
  accounts: SetupAccount[];
  buckets: SetupBuckets;
}

const ACCOUNT_NUMBER = /^\d{12}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
// S3 bucket naming rules: 3-63 characters, lower case, digits, dots and hyphens, starting and ending alphanumeric.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Every problem with an input, together; an empty list means the input is usable. */
export function checkSetupInput(input: IamSetupInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!REGION.test(input.region)) {
    problems.push({ path: 'region', message: `'${input.region}' is not an AWS region name; use one such as eu-west-1` });
  }
  const seen = new Set<string>();
  input.accounts.forEach((a, i) => {
    if (!ACCOUNT_NUMBER.test(a.number)) {
      problems.push({ path: `accounts.${i}.number`, message: `account '${a.name}' has number '${a.number}'; an AWS account number is exactly 12 digits (keep leading zeros)` });
    }
    if (seen.has(a.number)) problems.push({ path: `accounts.${i}.number`, message: `account ${a.number} is listed twice` });
    seen.add(a.number);
    if (!ACCOUNT_PURPOSES.includes(a.purpose)) {
      problems.push({ path: `accounts.${i}.purpose`, message: `'${String(a.purpose)}' is not a purpose; use one of ${ACCOUNT_PURPOSES.join(', ')}` });
    }
  });
  const master = input.accounts.find((a) => a.number === input.master);
  if (!master) problems.push({ path: 'master', message: `master account '${input.master}' is not among the accounts; add it` });
  else if (master.purpose !== 'shared-services') {
    problems.push({ path: 'master', message: `the master account's purpose must be shared-services, not ${master.purpose}` });
  }
  for (const [role, name] of Object.entries(input.buckets) as [string, string][]) {
    if (!BUCKET.test(name)) problems.push({ path: `buckets.${role}`, message: `'${name}' is not an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)` });
  }
  const logs = input.accounts.filter((a) => a.purpose === 'logs');
  if (logs.length > 1) problems.push({ path: 'accounts', message: `there is one logs account per organisation; found ${logs.length}` });
  return problems;
}

/** The accounts EM deploys into besides the master, ordered by number so that output is deterministic. */
export function childAccounts(input: IamSetupInput): SetupAccount[] {
  return input.accounts.filter((a) => a.number !== input.master && CHILD_PURPOSES.includes(a.purpose)).sort(byNumber);
}

/** Accounts that send CloudTrail and Config to the logs account: every one but the logs account itself. */
export function loggedAccounts(input: IamSetupInput): SetupAccount[] {
  return input.accounts.filter((a) => a.purpose !== 'logs').sort(byNumber);
}

export function logsAccount(input: IamSetupInput): SetupAccount | undefined {
  return input.accounts.find((a) => a.purpose === 'logs');
}

function byNumber(a: SetupAccount, b: SetupAccount): number {
  return a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
}
