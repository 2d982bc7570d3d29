import type { z } from 'zod';
import { bool, closed, oneOf, str } from './fields.js';

/**
 * What an account is for, after the multi-account layout of SPEC §2 (seed 002): EM's master lives in
 * `shared-services`; `application`, `sandbox` and `testing` accounts are its children; `security` (people, no
 * infrastructure) and `logs` (CloudTrail and Config of all the others) host nothing of EM's.
 */
export const ACCOUNT_PURPOSES = ['security', 'application', 'shared-services', 'sandbox', 'testing', 'logs'] as const;
export type AccountPurposeValue = (typeof ACCOUNT_PURPOSES)[number];

/** Purposes whose accounts EM deploys into (the master, `shared-services`, also hosts deployments). */
export const COMPUTE_PURPOSES: readonly AccountPurposeValue[] = ['application', 'shared-services', 'sandbox', 'testing'];

/** §3.1: an AWS account EM works in. Key: AccountNumber. */
export const AccountSchema = closed({
  AccountName: str('must be 1-255 characters: a letter or space, then letters, digits, ".", "-" or "_"', {
    min: 1,
    max: 255,
    pattern: /^[a-zA-Z ][0-9a-zA-Z.\-_]*$/,
  }),
  AccountNumber: str('must be the account id as a string of exactly 12 digits, leading zeros included (e.g. "012345678901", not 12345678901)', {
    max: 12,
    pattern: /^\d{12}$/,
  }),
  // Optional: the embedded mode runs on one machine without AWS, so it has no role to assume. The AWS adapter
  // requires it and checks that the role is assumable when the account is saved.
  RoleArn: str('must be an IAM role ARN such as arn:aws:iam::123456789012:role/roleInfraEnvironmentManagerChild', {
    max: 2048,
    pattern: /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
  }).optional(),
  IncludeAMIs: bool().optional().meta({ description: "true: list this account's AMIs among the images; absent means false" }),
  // Not in EM (its exports lack them, so both stay optional): the multi-account layout of SPEC §2.
  Purpose: oneOf(ACCOUNT_PURPOSES)
    .optional()
    .meta({ description: 'what the account is for (SPEC §2); absent means application. EM deploys into application, shared-services (the master), sandbox and testing accounts' }),
  Stage: str('must be 1-32 lower-case letters, digits or "-", starting with a letter (e.g. dev, stage, prod)', { min: 1, max: 32, pattern: /^[a-z][a-z0-9-]{0,31}$/ })
    .optional()
    .meta({ description: 'the stage of an application account (dev, stage, prod, qa, uat, dr...); only with Purpose application' }),
  OrganizationalUnit: str('must be an organisational unit name of 1-128 characters on one line, without leading or trailing spaces', {
    min: 1,
    max: 128,
    pattern: /^\S(?:.*\S)?$/,
  })
    .optional()
    .meta({ description: 'the organisational unit (business unit) the account belongs to; security and logs accounts are usually shared by all' }),
}).meta({
  id: 'Account',
  description:
    'An AWS account EM works in (§3.1). The account number is a 12-digit string; RoleArn is the role EM assumes there; Purpose, Stage and OrganizationalUnit place it in the multi-account layout (§2).',
});
export type Account = z.infer<typeof AccountSchema>;
