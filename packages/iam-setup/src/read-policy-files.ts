import type { FieldProblem } from '@envmgr/domain';
import type { IamSetup, RoleDefinition } from './generate.js';
import type { IamSetupInput } from './input.js';
import { ROLE_NAMES, type RoleKind } from './names.js';
import type { NamedPolicy, PolicyDocument } from './policy.js';

const KIND_OF = new Map(Object.entries(ROLE_NAMES).map(([kind, name]) => [name, kind as RoleKind]));

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isDocument(v: unknown): v is PolicyDocument {
  return isObject(v) && Array.isArray(v.Statement) && v.Statement.every((s) => isObject(s) && typeof s.Sid === 'string' && (s.Effect === 'Allow' || s.Effect === 'Deny'));
}

/**
 * Reads back the plain policy JSON that `renderPolicyFiles` wrote (`policies/roles.json` and the files it names),
 * perhaps edited by hand since, so that the proof can check what will really be applied. `files` maps paths under
 * `policies/` to their text. Returns every problem when a file is missing or not a policy document.
 */
export function readPolicyFiles(input: IamSetupInput, files: ReadonlyMap<string, string>): { ok: true; setup: IamSetup } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const parse = (path: string): unknown => {
    const text = files.get(path);
    if (text === undefined) return void problems.push({ path, message: 'is missing' });
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return void problems.push({ path, message: 'is not valid JSON' });
    }
  };
  const doc = (path: string): PolicyDocument | undefined => {
    const d = parse(path);
    if (d !== undefined && !isDocument(d)) problems.push({ path, message: 'is not a policy document with a Statement list (each statement needs a Sid and an Effect)' });
    return isDocument(d) ? d : undefined;
  };
  const index = parse('roles.json');
  if (!Array.isArray(index)) return { ok: false, problems: problems.length > 0 ? problems : [{ path: 'roles.json', message: 'must be the list of roles setup iam wrote' }] };
  const roles: RoleDefinition[] = [];
  for (const [i, entry] of index.entries()) {
    if (!isObject(entry) || typeof entry.role !== 'string' || typeof entry.account !== 'string' || typeof entry.trust !== 'string' || !Array.isArray(entry.policies)) {
      problems.push({ path: `roles.json.${i}`, message: 'needs account, role, trust and policies' });
      continue;
    }
    const kind = KIND_OF.get(entry.role);
    if (!kind) {
      problems.push({ path: `roles.json.${i}.role`, message: `'${entry.role}' is not a role of EM's set-up` });
      continue;
    }
    const trust = doc(entry.trust);
    const policies: NamedPolicy[] = [];
    for (const p of entry.policies as unknown[]) {
      if (!isObject(p) || typeof p.name !== 'string' || typeof p.file !== 'string') continue;
      const d = doc(p.file);
      if (d) policies.push({ name: p.name, document: d, managed: p.managed === true });
    }
    if (!trust) continue;
    roles.push({
      kind,
      account: entry.account,
      name: entry.role,
      arn: typeof entry.arn === 'string' ? entry.arn : '',
      description: typeof entry.description === 'string' ? entry.description : '',
      trust,
      policies,
      ...(typeof entry.instanceProfile === 'string' ? { instanceProfile: entry.instanceProfile } : {}),
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, setup: { input, roles } };
}
