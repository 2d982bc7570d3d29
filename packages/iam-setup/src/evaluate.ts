import { asList, type NamedPolicy, type PolicyDocument, type Principal, type Statement } from './policy.js';

/**
 * An offline evaluator for the subset of IAM policy logic EM's generated policies use: Allow and Deny, Action and
 * NotAction, Resource, `*` and `?` wildcards, Principal (AWS account, role ARN, `*`, Service). Conditions, NotResource,
 * NotPrincipal, permission boundaries, SCPs and session policies are outside it: a statement using them makes the
 * evaluation refuse rather than guess.
 *
 * Order of IAM: an explicit Deny wins over any Allow; without a matching Allow the answer is an implicit deny.
 */

/** Which statement decided, by policy name and Sid. */
export interface StatementRef {
  policy: string;
  sid: string;
}

export type Decision =
  | { effect: 'allow'; by: StatementRef }
  | { effect: 'explicit-deny'; by: StatementRef }
  | { effect: 'implicit-deny' };

export interface Request {
  action: string;
  resource: string;
}

/** Who calls: a role (by ARN; its account is taken from it) or an AWS service. */
export type Caller = { arn: string } | { service: string };

const regexCache = new Map<string, RegExp>();

/** `*` matches any run of characters (`/` and `:` included), `?` exactly one, as in IAM. */
export function matchesPattern(pattern: string, value: string, ignoreCase = false): boolean {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let re = regexCache.get(key);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, ignoreCase ? 'si' : 's');
    regexCache.set(key, re);
  }
  return re.test(value);
}

/** Action names compare case-insensitively in IAM; resources (ARNs) do not. */
export function statementMatchesAction(s: Statement, action: string): boolean {
  if (s.Action !== undefined) return asList(s.Action).some((p) => matchesPattern(p, action, true));
  if (s.NotAction !== undefined) return !asList(s.NotAction).some((p) => matchesPattern(p, action, true));
  return false;
}

function matchesResource(s: Statement, resource: string): boolean {
  return asList(s.Resource).some((p) => matchesPattern(p, resource));
}

/** Decides a request against identity policies (those attached to the caller). */
export function evaluateIdentity(policies: readonly NamedPolicy[], req: Request): Decision {
  return decide(
    policies.flatMap((p) => p.document.Statement.map((s) => ({ policy: p.name, s }))),
    (s) => statementMatchesAction(s, req.action) && matchesResource(s, req.resource),
  );
}

/** Decides whether a role's trust policy lets `caller` call sts:AssumeRole on it. */
export function evaluateTrust(trustPolicy: PolicyDocument, caller: Caller, policyName = 'trust'): Decision {
  return decide(
    trustPolicy.Statement.map((s) => ({ policy: policyName, s })),
    (s) => statementMatchesAction(s, 'sts:AssumeRole') && s.Principal !== undefined && principalMatches(s.Principal, caller),
  );
}

function decide(statements: { policy: string; s: Statement }[], applies: (s: Statement) => boolean): Decision {
  let allowed: StatementRef | undefined;
  for (const { policy, s } of statements) {
    if (!applies(s)) continue;
    const by = { policy, sid: s.Sid };
    if (s.Effect === 'Deny') return { effect: 'explicit-deny', by };
    allowed ??= by;
  }
  return allowed ? { effect: 'allow', by: allowed } : { effect: 'implicit-deny' };
}

/** The 12-digit account of an IAM ARN (`arn:aws:iam::123456789012:role/x`), or undefined. */
export function accountOf(arn: string): string | undefined {
  return /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1];
}

/**
 * `AWS: "123456789012"` and `AWS: "arn:aws:iam::123456789012:root"` admit every principal of that account (whose
 * own policies must then allow the call); a role ARN admits that role only; `*` admits anyone.
 */
export function principalMatches(principal: Principal, caller: Caller): boolean {
  if (principal === '*') return true;
  if ('service' in caller) return asList(principal.Service).includes(caller.service);
  const callerAccount = accountOf(caller.arn);
  return asList(principal.AWS).some((p) => {
    if (p === '*' || p === caller.arn) return true;
    const root = /^(?:arn:[^:]+:iam::)?(\d{12})(?::root)?$/.exec(p);
    return root !== null && root[1] === callerAccount;
  });
}

/** Statements that use parts of the grammar this evaluator does not model; a proof over them would be unsound. */
export function unsupportedStatements(policies: readonly NamedPolicy[]): StatementRef[] {
  const known = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'Principal']);
  return policies.flatMap((p) =>
    p.document.Statement.filter((s) => Object.keys(s).some((k) => !known.has(k)) || (s.Action === undefined) === (s.NotAction === undefined)).map((s) => ({ policy: p.name, sid: s.Sid })),
  );
}
