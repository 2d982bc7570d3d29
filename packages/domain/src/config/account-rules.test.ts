import { describe, expect, it } from 'vitest';
import { checkItem, checkWrite } from './checks.js';
import type { JsonObject } from '../json.js';

const account = (number: string, extra: JsonObject = {}): JsonObject => ({ AccountName: `a${number.slice(-3)}`, AccountNumber: number, ...extra });
const ctx = (peers: JsonObject[] = []) => ({ resolve: () => undefined, before: undefined, peers: () => peers });

describe('account rules', () => {
  it('accepts a child role of the account itself', () => {
    expect(checkWrite('accounts', account('111111111111', { RoleArn: 'arn:aws:iam::111111111111:role/roleInfraEnvironmentManagerChild', Purpose: 'application', Stage: 'prod' }), ctx())).toEqual([]);
  });

  it("refuses a role of another account, naming the ARN to use", () => {
    const problems = checkWrite('accounts', account('111111111111', { RoleArn: 'arn:aws:iam::222222222222:role/roleInfraEnvironmentManagerChild' }), ctx());
    expect(problems).toEqual([
      { path: 'RoleArn', message: 'the role is in account 222222222222, not 111111111111: EM assumes the role of the account itself; use arn:aws:iam::111111111111:role/roleInfraEnvironmentManagerChild' },
    ]);
  });

  it('restores an imported account whatever its role (imports skip write rules)', () => {
    expect(checkItem('accounts', account('111111111111', { RoleArn: 'arn:aws:iam::222222222222:role/x' }), ctx())).toEqual([]);
  });

  it.each([
    [{ Purpose: 'sandbox', Stage: 'dev' }, ["a stage ('dev') belongs to application accounts; this one's purpose is sandbox: remove Stage or set Purpose to application"]],
    [{ Stage: 'dev' }, []],
    [{ Purpose: 'application', Stage: 'dev' }, []],
  ])('a stage with %j', (extra, messages) => {
    expect(checkItem('accounts', account('111111111111', extra), ctx()).map((p) => p.message)).toEqual(messages);
  });

  it('keeps one logs account', () => {
    const logs = account('000000000002', { Purpose: 'logs' });
    expect(checkWrite('accounts', account('333333333333', { Purpose: 'logs' }), ctx([logs])).map((p) => p.path)).toEqual(['Purpose']);
    // updating the logs account itself is fine
    expect(checkWrite('accounts', { ...logs, AccountName: 'central-logs' }, ctx([logs]))).toEqual([]);
  });
});
