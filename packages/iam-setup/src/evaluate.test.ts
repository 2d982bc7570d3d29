import { describe, expect, it } from 'vitest';
import { evaluateIdentity, evaluateTrust, matchesPattern, principalMatches, unsupportedStatements, type Caller } from './evaluate.js';
import { allow, deny, policy, trust, type NamedPolicy, type Principal, type Statement } from './policy.js';

const named = (...s: Statement[]): NamedPolicy[] => [{ name: 'p', document: policy(...s), managed: false }];

describe('matchesPattern', () => {
  it.each([
    ['s3:GetObject', 's3:GetObject', false, true],
    ['s3:Get*', 's3:GetObject', false, true],
    ['s3:Get*', 's3:PutObject', false, false],
    ['s3:get*', 's3:GetObject', true, true],
    ['s3:get*', 's3:GetObject', false, false],
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b/a/b/c.zip', false, true],
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b', false, false],
    ['arn:aws:s3:::b?', 'arn:aws:s3:::bc', false, true],
    ['arn:aws:s3:::b?', 'arn:aws:s3:::bcd', false, false],
    ['arn:aws:s3:::a.b', 'arn:aws:s3:::aXb', false, false],
    ['*', 'anything:at/all', false, true],
  ])('%s against %s (ignore case %s) is %s', (pattern, value, ignoreCase, expected) => {
    expect(matchesPattern(pattern, value, ignoreCase)).toBe(expected);
  });
});

describe('evaluateIdentity', () => {
  const cases: { name: string; statements: Statement[]; action: string; resource: string; effect: string; sid?: string }[] = [
    { name: 'nothing matches: implicit deny', statements: [allow('A', ['s3:GetObject'], ['arn:aws:s3:::b/*'])], action: 's3:PutObject', resource: 'arn:aws:s3:::b/k', effect: 'implicit-deny' },
    { name: 'an allow matches', statements: [allow('A', ['s3:GetObject'], ['arn:aws:s3:::b/*'])], action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', effect: 'allow', sid: 'A' },
    { name: 'actions compare case-insensitively', statements: [allow('A', ['S3:getobject'], ['*'])], action: 's3:GetObject', resource: 'x', effect: 'allow', sid: 'A' },
    { name: 'resources compare case-sensitively', statements: [allow('A', ['sns:Publish'], ['arn:aws:sns:eu-west-1:1:environment*'])], action: 'sns:Publish', resource: 'arn:aws:sns:eu-west-1:1:EnvironmentManagerX', effect: 'implicit-deny' },
    {
      name: 'an explicit deny beats an allow, whatever the order',
      statements: [deny('D', ['iam:PassRole'], ['arn:aws:iam::1:role/roleInfraEnvironmentManager*']), allow('A', ['iam:PassRole'], ['arn:aws:iam::1:role/role*'])],
      action: 'iam:PassRole',
      resource: 'arn:aws:iam::1:role/roleInfraEnvironmentManagerChild',
      effect: 'explicit-deny',
      sid: 'D',
    },
    { name: 'a deny on another resource leaves the allow', statements: [allow('A', ['iam:PassRole'], ['arn:aws:iam::1:role/role*']), deny('D', ['iam:PassRole'], ['arn:aws:iam::1:role/roleInfraEnvironmentManager*'])], action: 'iam:PassRole', resource: 'arn:aws:iam::1:role/roleInfraWeb', effect: 'allow', sid: 'A' },
    { name: 'NotAction allows everything else', statements: [{ Sid: 'N', Effect: 'Allow', NotAction: ['iam:*'], Resource: ['*'] }], action: 's3:DeleteBucket', resource: 'arn:aws:s3:::b', effect: 'allow', sid: 'N' },
    { name: 'NotAction does not allow what it names', statements: [{ Sid: 'N', Effect: 'Allow', NotAction: ['iam:*'], Resource: ['*'] }], action: 'iam:CreateUser', resource: '*', effect: 'implicit-deny' },
    { name: 'a statement without Resource grants nothing', statements: [{ Sid: 'R', Effect: 'Allow', Action: ['s3:GetObject'] }], action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', effect: 'implicit-deny' },
  ];
  it.each(cases)('$name', ({ statements, action, resource, effect, sid }) => {
    const d = evaluateIdentity(named(...statements), { action, resource });
    expect(d.effect).toBe(effect);
    if (sid) expect(d.effect !== 'implicit-deny' && d.by.sid).toBe(sid);
  });
});

describe('principals and trust', () => {
  const role = 'arn:aws:iam::111111111111:role/roleInfraEnvironmentManager';
  const cases: { principal: Principal; caller: Caller; expected: boolean }[] = [
    { principal: { AWS: role }, caller: { arn: role }, expected: true },
    { principal: { AWS: role }, caller: { arn: 'arn:aws:iam::111111111111:role/roleDeploymentTest' }, expected: false },
    { principal: { AWS: 'arn:aws:iam::111111111111:root' }, caller: { arn: 'arn:aws:iam::111111111111:role/roleDeploymentTest' }, expected: true },
    { principal: { AWS: '111111111111' }, caller: { arn: role }, expected: true },
    { principal: { AWS: '111111111111' }, caller: { arn: 'arn:aws:iam::222222222222:role/roleInfraEnvironmentManager' }, expected: false },
    { principal: { AWS: '*' }, caller: { arn: role }, expected: true },
    { principal: '*', caller: { service: 'ec2.amazonaws.com' }, expected: true },
    { principal: { Service: 'ec2.amazonaws.com' }, caller: { service: 'ec2.amazonaws.com' }, expected: true },
    { principal: { Service: 'ec2.amazonaws.com' }, caller: { service: 'lambda.amazonaws.com' }, expected: false },
    { principal: { Service: 'ec2.amazonaws.com' }, caller: { arn: role }, expected: false },
  ];
  it.each(cases)('$principal admits $caller: $expected', ({ principal, caller, expected }) => {
    expect(principalMatches(principal, caller)).toBe(expected);
  });

  it('a deny in the trust policy wins', () => {
    const doc = policy(trust('T', { AWS: '111111111111' }), { Sid: 'NoAgents', Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::111111111111:role/roleDeploymentTest' }, Action: ['sts:AssumeRole'] });
    expect(evaluateTrust(doc, { arn: role }).effect).toBe('allow');
    expect(evaluateTrust(doc, { arn: 'arn:aws:iam::111111111111:role/roleDeploymentTest' })).toEqual({ effect: 'explicit-deny', by: { policy: 'trust', sid: 'NoAgents' } });
  });

  it('flags statements outside the modelled grammar', () => {
    const odd = { Sid: 'C', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['*'], Condition: { Bool: { 'aws:SecureTransport': 'true' } } } as unknown as Statement;
    expect(unsupportedStatements(named(allow('A', ['s3:GetObject'], ['*']), odd))).toEqual([{ policy: 'p', sid: 'C' }]);
  });
});
