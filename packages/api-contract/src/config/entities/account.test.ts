import { describe, expect, it } from 'vitest';
import { AccountSchema } from './account.js';

const base = { AccountName: 'prod', AccountNumber: '012345678901' };
const messageOf = (doc: unknown): string | undefined => AccountSchema.safeParse(doc).error?.issues[0]?.message;

describe('account schema', () => {
  it('takes the layout fields of SPEC §2 and keeps EM items without them valid', () => {
    expect(AccountSchema.safeParse(base).success).toBe(true);
    const full = { ...base, RoleArn: 'arn:aws:iam::012345678901:role/roleInfraEnvironmentManagerChild', Purpose: 'application', Stage: 'prod', OrganizationalUnit: 'Travel' };
    expect(AccountSchema.parse(full)).toEqual(full);
  });

  it.each(['security', 'application', 'shared-services', 'sandbox', 'testing', 'logs'])('accepts purpose %s', (Purpose) => {
    expect(AccountSchema.safeParse({ ...base, Purpose }).success).toBe(true);
  });

  it.each([
    ['AccountNumber', 12345678901, 'exactly 12 digits, leading zeros included (e.g. "012345678901", not 12345678901); got 12345678901'],
    ['AccountNumber', '12345678901', 'exactly 12 digits'],
    ['RoleArn', 'roleInfraEnvironmentManagerChild', 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/'],
    ['Purpose', 'prod', 'must be one of security, application, shared-services, sandbox, testing, logs; got "prod"'],
    ['Stage', 'Prod', 'lower-case'],
    ['OrganizationalUnit', ' travel', 'organisational unit'],
  ])('refuses %s %j, saying what to use', (field, value, message) => {
    expect(messageOf({ ...base, [field]: value })).toContain(message);
  });
});
