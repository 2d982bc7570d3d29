import { childAccounts, type IamSetupInput } from './input.js';
import { policy, trust, type NamedPolicy, type Principal, type Statement } from './policy.js';
import { arns, POLICY_NAMES, ROLE_NAMES, type Arns, type RoleKind } from './names.js';
import { computeStatements, masterStatements } from './em-policies.js';
import {
  agentStatements,
  auditStatements,
  auditWriterStatements,
  backupStatements,
  replicaStatements,
  replicaWriterStatements,
  schedulerStatements,
} from './job-policies.js';

/** One IAM role to create in one account, with its trust policy and its permissions. */
export interface RoleDefinition {
  kind: RoleKind;
  /** The account (12 digits) the role lives in. */
  account: string;
  name: string;
  arn: string;
  description: string;
  /** Who may assume the role. */
  trust: NamedPolicy['document'];
  /** Inline policies, and the managed policy of the agents. */
  policies: NamedPolicy[];
  /** An instance profile of the same name is created for roles that instances run as. */
  instanceProfile?: string;
}

/** The complete set-up of an installation, ordered by account (master first) and then by role. */
export interface IamSetup {
  input: IamSetupInput;
  roles: RoleDefinition[];
}

const EC2: Principal = { Service: 'ec2.amazonaws.com' };
const LAMBDA: Principal = { Service: 'lambda.amazonaws.com' };

/**
 * Generates the roles and policies of SPEC §12 from the accounts and buckets. Pure and deterministic: the same input
 * gives byte-identical output whatever the order of `input.accounts`. Check the input with `checkSetupInput` first.
 */
export function generateIamSetup(input: IamSetupInput): IamSetup {
  const a = arns(input);
  const children = childAccounts(input).map((c) => c.number);
  const master = input.master;
  const role = roleBuilder(a);
  const inMaster: RoleDefinition[] = [
    role('master', master, 'EM itself, on its instances in the master account', [EC2], masterStatements(input, a, children), true),
    role('child', master, 'EM acting in the master account, which can host deployments too', [{ AWS: a.role(master, ROLE_NAMES.master) }], computeStatements(input, a, master)),
    role('scheduler', master, 'the scheduler job of the master account', [LAMBDA], schedulerStatements(a, master)),
    role('audit', master, 'the change-audit job of the master account', [LAMBDA], auditStatements(input, a, master)),
    role('audit-writer', master, "assumed by the children's audit jobs to write the audit table", [{ AWS: children.map((c) => a.accountRoot(c)) }], auditWriterStatements(input, a)),
    role('backup', master, 'the nightly backup job', [LAMBDA], backupStatements(input, a)),
    role('replica', master, 'the replication job copying common tables into the children', [LAMBDA], replicaStatements(input, a, children)),
    role('agent', master, 'instances EM launches (the agent); attach CommonInstanceProfile to every instance role', [EC2], agentStatements(input, a), true),
  ].filter((r) => children.length > 0 || !NEEDS_CHILDREN.includes(r.kind));
  const inChildren = children.flatMap((c): RoleDefinition[] => [
    role('child', c, 'EM acting in this child account; trusts only EM in the master account', [{ AWS: a.role(master, ROLE_NAMES.master) }], computeStatements(input, a, c)),
    role('scheduler', c, 'the scheduler job of this account', [LAMBDA], schedulerStatements(a, c)),
    role('audit', c, 'the change-audit job of this account', [LAMBDA], auditStatements(input, a, c)),
    role('replica-writer', c, 'assumed by the replication job of the master to write the common tables', [{ AWS: a.role(master, ROLE_NAMES.replica) }], replicaWriterStatements(a, c)),
    role('agent', c, 'instances EM launches (the agent); attach CommonInstanceProfile to every instance role', [EC2], agentStatements(input, a), true),
  ]);
  return { input, roles: [...inMaster, ...inChildren] };
}

// The writer trusts the children's accounts, not their audit roles by ARN: IAM refuses a role ARN that does not
// exist yet, and the children's roles are created after the master's (they trust the master role). In each child only
// the audit role's own policy allows assuming the writer, which the proof checks.
// Without children these roles would trust nobody and assume nothing, which IAM refuses.
const NEEDS_CHILDREN: readonly RoleKind[] = ['audit-writer', 'replica'];

function roleBuilder(a: Arns) {
  return (kind: RoleKind, account: string, description: string, trusted: Principal[], statements: Statement[], hasProfile = false): RoleDefinition => {
    const name = ROLE_NAMES[kind];
    const trustStatements = trusted.map((p, i) => trust(trusted.length === 1 ? 'Trusted' : `Trusted${i + 1}`, p));
    return {
      kind,
      account,
      name,
      arn: a.role(account, name),
      description,
      trust: policy(...trustStatements),
      policies: [{ name: POLICY_NAMES[kind], document: policy(...statements), managed: kind === 'agent' }],
      ...(hasProfile ? { instanceProfile: name } : {}),
    };
  };
}

/** The role of a kind in an account, if the set-up has one. */
export function findRole(setup: IamSetup, kind: RoleKind, account: string): RoleDefinition | undefined {
  return setup.roles.find((r) => r.kind === kind && r.account === account);
}
