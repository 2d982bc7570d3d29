import { childAccounts } from './input.js';
import { evaluateIdentity, evaluateTrust, matchesPattern, statementMatchesAction, unsupportedStatements, type Caller, type Decision } from './evaluate.js';
import { findRole, type IamSetup, type RoleDefinition } from './generate.js';
import { ROLE_NAMES, arns, type RoleKind } from './names.js';
import { asList } from './policy.js';
import { DANGEROUS_ACTIONS, requirementsFor, type Probe } from './requirements.js';

/** One line of the proof. */
export interface ProofCheck {
  /** What is checked, e.g. `assume`, `needs`, `forbidden`, `dangerous`, `unneeded`, `trust`, `present`. */
  kind: 'present' | 'supported' | 'assume' | 'trust' | 'needs' | 'forbidden' | 'dangerous' | 'unneeded';
  /** The role checked, `<account>/<role name>`. */
  subject: string;
  /** The request or property, e.g. `s3:GetObject arn:aws:s3:::pkgs/x.zip`. */
  check: string;
  expected: 'allow' | 'deny';
  actual: 'allow' | 'deny';
  ok: boolean;
  /** Which statement decided, or which is missing. */
  detail: string;
}

export interface Proof {
  ok: boolean;
  checks: ProofCheck[];
}

/**
 * Proves offline, with the evaluator of `evaluate.ts`, that the set-up does what SPEC §12 needs: EM's master role
 * may assume every child role and nothing else may; each role can do what it needs, nothing on the list of
 * dangerous actions beyond that, nothing its needs do not name; the agents' profile only reads packages and writes
 * logs. Deterministic: the same set-up gives the same checks in the same order.
 */
export function proveRoleChain(setup: IamSetup): Proof {
  const { input } = setup;
  const children = childAccounts(input).map((c) => c.number);
  const checks: ProofCheck[] = [];
  const expectedRoles: [RoleKind, string][] = [
    ...(['master', 'child', 'scheduler', 'audit', 'backup', 'agent'] as const).map((k): [RoleKind, string] => [k, input.master]),
    ...(children.length > 0 ? (['audit-writer', 'replica'] as const).map((k): [RoleKind, string] => [k, input.master]) : []),
    ...children.flatMap((c) => (['child', 'scheduler', 'audit', 'replica-writer', 'agent'] as const).map((k): [RoleKind, string] => [k, c])),
  ];
  for (const [kind, account] of expectedRoles) {
    const role = findRole(setup, kind, account);
    if (!role) {
      checks.push({ kind: 'present', subject: `${account}/${ROLE_NAMES[kind]}`, check: 'role exists', expected: 'allow', actual: 'deny', ok: false, detail: 'missing from the set-up' });
      continue;
    }
    checks.push(...supportCheck(role), ...roleChecks(setup, role, children));
  }
  checks.push(...chainChecks(setup, children));
  return { ok: checks.every((c) => c.ok), checks };
}

const subjectOf = (r: RoleDefinition) => `${r.account}/${r.name}`;

function supportCheck(role: RoleDefinition): ProofCheck[] {
  const bad = unsupportedStatements([...role.policies, { name: 'trust', document: role.trust, managed: false }]);
  return bad.map((b) => ({ kind: 'supported', subject: subjectOf(role), check: 'statement uses only the modelled grammar', expected: 'allow', actual: 'deny', ok: false, detail: `${b.policy}#${b.sid} uses Condition, NotResource, NotPrincipal or lacks Action` }));
}

function line(kind: ProofCheck['kind'], role: RoleDefinition, probe: Probe, expected: 'allow' | 'deny', d: Decision): ProofCheck {
  const actual = d.effect === 'allow' ? 'allow' : 'deny';
  const detail =
    d.effect === 'implicit-deny'
      ? expected === 'allow' ? `missing: no statement allows ${probe.action} on ${probe.resource}` : 'no statement allows it'
      : `${d.effect === 'allow' ? 'allowed' : 'denied'} by ${d.by.policy}#${d.by.sid}`;
  return { kind, subject: subjectOf(role), check: `${probe.action} ${probe.resource}`, expected, actual, ok: actual === expected, detail };
}

function roleChecks(setup: IamSetup, role: RoleDefinition, children: readonly string[]): ProofCheck[] {
  const req = requirementsFor(setup.input, role.kind, role.account, children);
  const out: ProofCheck[] = [];
  for (const p of req.needs) out.push(line('needs', role, p, 'allow', evaluateIdentity(role.policies, p)));
  for (const p of req.forbidden) out.push(line('forbidden', role, p, 'deny', evaluateIdentity(role.policies, p)));
  const needed = (action: string) => req.needs.some((n) => n.action.toLowerCase() === action.toLowerCase());
  for (const action of DANGEROUS_ACTIONS.filter((x) => !needed(x))) out.push(dangerousCheck(role, action));
  out.push(...unneededChecks(role, req.needs));
  return out;
}

/** A dangerous action is tried on a witness of every resource pattern an Allow statement grants it on. */
function dangerousCheck(role: RoleDefinition, action: string): ProofCheck {
  const witnesses = role.policies.flatMap((p) => p.document.Statement.filter((s) => s.Effect === 'Allow' && statementMatchesAction(s, action)).flatMap((s) => asList(s.Resource)));
  for (const pattern of witnesses) {
    const resource = pattern.replace(/[*?]/g, 'x');
    const d = evaluateIdentity(role.policies, { action, resource });
    if (d.effect === 'allow') return line('dangerous', role, { action, resource }, 'deny', d);
  }
  return { kind: 'dangerous', subject: subjectOf(role), check: `${action} *`, expected: 'deny', actual: 'deny', ok: true, detail: 'no statement allows it' };
}

/** Every action an Allow statement names must be one the role needs: the proof of "exactly". */
function unneededChecks(role: RoleDefinition, needs: readonly Probe[]): ProofCheck[] {
  const out: ProofCheck[] = [];
  for (const p of role.policies) {
    for (const s of p.document.Statement.filter((x) => x.Effect === 'Allow')) {
      const patterns = s.NotAction !== undefined ? ['NotAction'] : asList(s.Action);
      const extra = patterns.filter((pat) => !needs.some((n) => matchesPattern(pat, n.action, true)));
      out.push({
        kind: 'unneeded',
        subject: subjectOf(role),
        check: `${p.name}#${s.Sid} grants only needed actions`,
        expected: 'deny',
        actual: extra.length > 0 ? 'allow' : 'deny',
        ok: extra.length === 0,
        detail: extra.length > 0 ? `extra: ${p.name}#${s.Sid} grants ${extra.join(', ')}, which no need of the role names` : 'every action is needed',
      });
    }
  }
  return out;
}

/** A caller may assume a role when its own policies allow sts:AssumeRole on the role and the role's trust admits it. */
function assumeCheck(caller: RoleDefinition, target: RoleDefinition, expected: 'allow' | 'deny' = 'allow'): ProofCheck {
  const identity = evaluateIdentity(caller.policies, { action: 'sts:AssumeRole', resource: target.arn });
  const trusted = evaluateTrust(target.trust, { arn: caller.arn }, `${target.name} trust`);
  const ok = identity.effect === 'allow' && trusted.effect === 'allow';
  const why = identity.effect !== 'allow' ? describe(identity, `${caller.name} policies`, `sts:AssumeRole on ${target.arn}`) : describe(trusted, `${target.name} trust`, `principal ${caller.arn}`);
  const actual = ok ? 'allow' : 'deny';
  return { kind: 'assume', subject: subjectOf(caller), check: `sts:AssumeRole ${target.arn}`, expected, actual, ok: actual === expected, detail: ok ? `allowed by ${fmt(identity)} and ${fmt(trusted)}` : why };
}

function trustCheck(target: RoleDefinition, caller: Caller, label: string, expected: 'allow' | 'deny'): ProofCheck {
  const d = evaluateTrust(target.trust, caller, `${target.name} trust`);
  const actual = d.effect === 'allow' ? 'allow' : 'deny';
  const detail = d.effect === 'implicit-deny' ? (expected === 'allow' ? `missing: the trust policy does not admit ${label}` : 'the trust policy does not admit it') : `${actual === 'allow' ? 'admitted' : 'refused'} by ${fmt(d)}`;
  return { kind: 'trust', subject: subjectOf(target), check: `trusts ${label}`, expected, actual, ok: actual === expected, detail };
}

function fmt(d: Decision): string {
  return d.effect === 'implicit-deny' ? 'nothing' : `${d.by.policy}#${d.by.sid}`;
}

function describe(d: Decision, where: string, what: string): string {
  return d.effect === 'implicit-deny' ? `missing: no statement of ${where} allows ${what}` : `${d.effect === 'allow' ? 'allowed' : 'denied'} by ${fmt(d)}`;
}

function chainChecks(setup: IamSetup, children: readonly string[]): ProofCheck[] {
  const { master } = setup.input;
  const a = arns(setup.input);
  const out: ProofCheck[] = [];
  const em = findRole(setup, 'master', master);
  const agent = a.role(master, ROLE_NAMES.agent);
  for (const account of [master, ...children]) {
    const child = findRole(setup, 'child', account);
    if (!em || !child) continue;
    out.push(assumeCheck(em, child));
    out.push(trustCheck(child, { arn: agent }, `the agents' role of the master (${agent})`, 'deny'));
    out.push(trustCheck(child, { arn: a.role('999999999999', ROLE_NAMES.master) }, 'EM of another organisation (999999999999)', 'deny'));
    for (const other of children.filter((c) => c !== account)) out.push(trustCheck(child, { arn: a.role(other, ROLE_NAMES.child) }, `the child role of ${other}`, 'deny'));
  }
  const writer = findRole(setup, 'audit-writer', master);
  const replica = findRole(setup, 'replica', master);
  for (const c of children) {
    const audit = findRole(setup, 'audit', c);
    if (writer && audit) out.push(assumeCheck(audit, writer));
    const childEm = findRole(setup, 'child', c);
    if (writer && childEm) out.push(assumeCheck(childEm, writer, 'deny'));
    const replicaWriter = findRole(setup, 'replica-writer', c);
    if (replica && replicaWriter) out.push(assumeCheck(replica, replicaWriter));
  }
  for (const role of setup.roles) {
    const service = SERVICE_OF[role.kind];
    if (!service) continue;
    out.push(trustCheck(role, { service }, service, 'allow'));
    const other = service === 'ec2.amazonaws.com' ? 'lambda.amazonaws.com' : 'ec2.amazonaws.com';
    out.push(trustCheck(role, { service: other }, other, 'deny'));
  }
  return out;
}

const SERVICE_OF: Partial<Record<RoleKind, string>> = {
  master: 'ec2.amazonaws.com',
  agent: 'ec2.amazonaws.com',
  scheduler: 'lambda.amazonaws.com',
  audit: 'lambda.amazonaws.com',
  backup: 'lambda.amazonaws.com',
  replica: 'lambda.amazonaws.com',
};
