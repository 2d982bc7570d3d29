import type { z } from 'zod';
import { awsAccountNumber, bool, closed, str } from './fields.js';

/** §3.1: an AWS account EM works in. Key: AccountNumber. */
export const AccountSchema = closed({
  AccountName: str('must be 1-255 characters: a letter or space, then letters, digits, ".", "-" or "_"', {
    min: 1,
    max: 255,
    pattern: /^[a-zA-Z ][0-9a-zA-Z.\-_]*$/,
  }),
  AccountNumber: awsAccountNumber(),
  // Optional: the embedded mode runs on one machine without AWS, so it has no role to assume. The AWS adapter
  // requires it and checks that the role is assumable when the account is saved.
  RoleArn: str('must be an IAM role ARN such as arn:aws:iam::123456789012:role/roleInfraEnvironmentManagerChild', {
    max: 2048,
    pattern: /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
  }).optional(),
  IncludeAMIs: bool().optional().meta({ description: "true: list this account's AMIs among the images; absent means false" }),
}).meta({
  id: 'Account',
  description: 'An AWS account EM deploys into (§3.1). The account number is a 12-digit string; RoleArn is the role EM assumes there.',
});
export type Account = z.infer<typeof AccountSchema>;
