import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeletePolicyVersionCommand,
  GetInstanceProfileCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMServiceException,
  ListPolicyVersionsCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { DependencyUnavailableError, ForbiddenError, ValidationError } from '@envmgr/domain';

/** A role to create or bring up to date, as the IAM set-up generator describes it (plain data). */
export interface RoleToApply {
  account: string;
  name: string;
  description: string;
  trust: unknown;
  policies: { name: string; document: unknown; managed: boolean }[];
  instanceProfile?: string;
}

/** What applying changed, one line per role, policy or profile. */
export interface AppliedChange {
  account: string;
  kind: 'role' | 'inline-policy' | 'managed-policy' | 'instance-profile';
  name: string;
  change: 'created' | 'updated' | 'unchanged';
}

export interface ApplyIamOptions {
  /** An IAM client acting in the given account (e.g. through an admin role assumed there). */
  clientFor: (account: string) => Promise<Pick<IAMClient, 'send'>>;
  /** @default 'aws' */
  partition?: string;
}

type Send = Pick<IAMClient, 'send'>;

/** The result, or undefined when IAM says the entity does not exist. */
async function unlessMissing<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (err) {
    if (err instanceof NoSuchEntityException) return undefined;
    throw err;
  }
}

/**
 * Creates or updates the roles, their inline and managed policies and instance profiles, account by account in the
 * order given (the master's first: the children's roles trust a role there). Idempotent: applying twice changes
 * nothing the second time. A failing account stops the run with an error naming the account and what failed.
 */
export async function applyIamSetup(roles: readonly RoleToApply[], opts: ApplyIamOptions): Promise<AppliedChange[]> {
  const changes: AppliedChange[] = [];
  for (const role of roles) {
    const iam = await opts.clientFor(role.account);
    try {
      changes.push(await applyRole(iam, role));
      for (const p of role.policies) {
        changes.push(p.managed ? await applyManaged(iam, role, p, opts.partition ?? 'aws') : await applyInline(iam, role, p));
      }
      if (role.instanceProfile) changes.push(await applyProfile(iam, role, role.instanceProfile));
    } catch (err) {
      throw translate(err, role);
    }
  }
  return changes;
}

async function applyRole(iam: Send, role: RoleToApply): Promise<AppliedChange> {
  const trust = JSON.stringify(role.trust);
  const existing = await unlessMissing(iam.send(new GetRoleCommand({ RoleName: role.name })));
  const base = { account: role.account, kind: 'role' as const, name: role.name };
  if (!existing?.Role) {
    await iam.send(new CreateRoleCommand({ RoleName: role.name, AssumeRolePolicyDocument: trust, Description: role.description }));
    return { ...base, change: 'created' };
  }
  const current = existing.Role.AssumeRolePolicyDocument ? decodeDocument(existing.Role.AssumeRolePolicyDocument) : undefined;
  if (sameDocument(current, role.trust) && existing.Role.Description === role.description) return { ...base, change: 'unchanged' };
  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: role.name, PolicyDocument: trust }));
  await iam.send(new UpdateRoleCommand({ RoleName: role.name, Description: role.description }));
  return { ...base, change: 'updated' };
}

async function applyInline(iam: Send, role: RoleToApply, p: RoleToApply['policies'][number]): Promise<AppliedChange> {
  const base = { account: role.account, kind: 'inline-policy' as const, name: `${role.name}/${p.name}` };
  const existing = await unlessMissing(iam.send(new GetRolePolicyCommand({ RoleName: role.name, PolicyName: p.name })));
  const current = existing?.PolicyDocument ? decodeDocument(existing.PolicyDocument) : undefined;
  if (current !== undefined && sameDocument(current, p.document)) return { ...base, change: 'unchanged' };
  // PutRolePolicy replaces the document whatever was there: creating and updating are one call.
  await iam.send(new PutRolePolicyCommand({ RoleName: role.name, PolicyName: p.name, PolicyDocument: JSON.stringify(p.document) }));
  return { ...base, change: existing ? 'updated' : 'created' };
}

async function applyManaged(iam: Send, role: RoleToApply, p: RoleToApply['policies'][number], partition: string): Promise<AppliedChange> {
  const arn = `arn:${partition}:iam::${role.account}:policy/${p.name}`;
  const doc = JSON.stringify(p.document);
  const existing = await unlessMissing(iam.send(new GetPolicyCommand({ PolicyArn: arn })));
  let change: AppliedChange['change'] = 'unchanged';
  if (!existing?.Policy) {
    await iam.send(new CreatePolicyCommand({ PolicyName: p.name, PolicyDocument: doc, Description: 'read packages and write deployment logs (EM agents)' }));
    change = 'created';
  } else {
    const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: existing.Policy.DefaultVersionId }));
    const current = version.PolicyVersion?.Document ? decodeDocument(version.PolicyVersion.Document) : undefined;
    if (!sameDocument(current, p.document)) {
      await pruneVersions(iam, arn);
      await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc, SetAsDefault: true }));
      change = 'updated';
    }
  }
  await iam.send(new AttachRolePolicyCommand({ RoleName: role.name, PolicyArn: arn }));
  return { account: role.account, kind: 'managed-policy', name: p.name, change };
}

/** IAM keeps at most five versions of a managed policy: drop the oldest non-default one to make room. */
async function pruneVersions(iam: Send, arn: string): Promise<void> {
  const versions = (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions ?? [];
  if (versions.length < 5) return;
  const oldest = versions.filter((v) => !v.IsDefaultVersion).sort((a, b) => (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0))[0];
  if (oldest?.VersionId) await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: oldest.VersionId }));
}

async function applyProfile(iam: Send, role: RoleToApply, name: string): Promise<AppliedChange> {
  const existing = await unlessMissing(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: name })));
  const base = { account: role.account, kind: 'instance-profile' as const, name };
  if (!existing?.InstanceProfile) await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name }));
  const hasRole = existing?.InstanceProfile?.Roles?.some((r) => r.RoleName === role.name) ?? false;
  if (hasRole) return { ...base, change: 'unchanged' };
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: role.name }));
  return { ...base, change: existing ? 'updated' : 'created' };
}

/** IAM returns policy documents URL-encoded. */
function decodeDocument(text: string): unknown {
  try {
    return JSON.parse(decodeURIComponent(text)) as unknown;
  } catch {
    return undefined;
  }
}

function sameDocument(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function translate(err: unknown, role: RoleToApply): unknown {
  const where = `role ${role.name} in account ${role.account}`;
  if (!(err instanceof IAMServiceException)) {
    return new DependencyUnavailableError(`cannot reach IAM to apply ${where}; try again`, { account: role.account, role: role.name }, { cause: err });
  }
  if (err.name === 'AccessDenied' || err.name === 'AccessDeniedException') {
    return new ForbiddenError(`IAM refused to apply ${where} (${err.name}): run with credentials that may manage IAM in that account`, { account: role.account, role: role.name }, 'iam-refused');
  }
  if (err.name === 'MalformedPolicyDocumentException' || err.name === 'InvalidInputException' || err.name === 'LimitExceededException') {
    return new ValidationError([{ path: role.name, message: `IAM refused ${where}: ${err.name}` }]);
  }
  return new DependencyUnavailableError(`IAM failed to apply ${where} (${err.name}); try again`, { account: role.account, role: role.name }, { cause: err });
}
