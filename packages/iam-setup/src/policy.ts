/**
 * IAM policy documents as plain data: the subset of the policy grammar EM generates and the offline evaluator reads
 * (no Condition blocks, no NotPrincipal, no NotResource).
 */
export type Effect = 'Allow' | 'Deny';

/** Who a resource policy (a role's trust policy) lets in. `*` is anyone. */
export type Principal = '*' | { AWS?: string | string[]; Service?: string | string[] };

export interface Statement {
  /** A stable id, unique within its document: the proof names failing statements by it. */
  Sid: string;
  Effect: Effect;
  /** Exactly one of Action and NotAction is set. */
  Action?: string | string[];
  NotAction?: string | string[];
  /** Identity policies; absent in trust policies, whose resource is the role itself. */
  Resource?: string | string[];
  /** Trust policies only. */
  Principal?: Principal;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Statement[];
}

/** A policy with the name it is stored under (inline on a role, or managed and attached). */
export interface NamedPolicy {
  name: string;
  document: PolicyDocument;
  /** A managed policy can be attached to many roles; an inline one belongs to its role. */
  managed: boolean;
}

export function policy(...statements: Statement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

export function allow(Sid: string, Action: string[], Resource: string[]): Statement {
  return { Sid, Effect: 'Allow', Action, Resource };
}

export function deny(Sid: string, Action: string[], Resource: string[]): Statement {
  return { Sid, Effect: 'Deny', Action, Resource };
}

/** A trust-policy statement letting `principal` call sts:AssumeRole on the role that carries it. */
export function trust(Sid: string, principal: Principal): Statement {
  return { Sid, Effect: 'Allow', Principal: principal, Action: ['sts:AssumeRole'] };
}

export function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}
