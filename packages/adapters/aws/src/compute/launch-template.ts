import { CreateLaunchTemplateCommand, DeleteLaunchTemplateCommand, DescribeImagesCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand, type RequestLaunchTemplateData, type _InstanceType } from '@aws-sdk/client-ec2';
import { ValidationError, type FieldProblem } from '@envmgr/domain';
import type { GroupSpec } from '@envmgr/ports';
import { awsCode } from './aws-errors.js';
import { call, type AwsClients } from './aws-reads.js';

/** How launch settings map to the account's resources. */
export interface LaunchResolution {
  /** The subnet tag whose value is a server role's subnet type (`PrivateApp`, …). @default 'SubnetType' */
  subnetTypeTag?: string;
  /** Owners whose images may be launched by name (`self`, account numbers). @default ['self'] */
  imageOwners?: string[];
}

/** SPEC §4: the launch configuration (here: launch template) of a group is `LaunchConfig_<group>`. */
export const launchTemplateNameOf = (group: string): string => `LaunchConfig_${group}`;

/** Security group names SPEC §4 derives from the role when it sets none. */
export function securityGroupNamesOf(spec: GroupSpec): string[] {
  if (spec.launch.securityGroups && spec.launch.securityGroups.length > 0) return spec.launch.securityGroups;
  const os = /windows/i.test(spec.launch.image) ? 'Windows' : 'Linux';
  const role = (spec.tags['Role'] ?? '').replace(/-(blue|green)$/, '');
  const cluster = spec.tags['OwningCluster'] ?? '';
  const secure = spec.launch.securityZone.toLowerCase() === 'secure';
  return secure ? [`sgRole${cluster}${role}`, 'sgZoneSecure', `sgOS${os}Secure`] : [`sgRole${cluster}${role}`, `sgOS${os}`];
}

interface Resolved {
  imageId: string;
  subnetIds: string[];
  securityGroupIds: string[];
}

async function imageIdOf(c: AwsClients, image: string, owners: string[]): Promise<string | FieldProblem> {
  if (/^ami-[0-9a-f]{8,17}$/.test(image)) return image;
  const out = await call(c, `looking up image '${image}'`, () => c.ec2.send(new DescribeImagesCommand({ Owners: owners, Filters: [{ Name: 'name', Values: [image] }] })));
  const newest = (out.Images ?? []).sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0];
  return newest?.ImageId ?? { path: 'launch.image', message: `no image named '${image}' owned by ${owners.join(', ')} in account ${c.account}; share the image with the account or fix the server role's AMI` };
}

async function subnetIdsOf(c: AwsClients, subnetType: string, tag: string): Promise<{ ids: string[]; vpcId?: string } | FieldProblem> {
  const out = await call(c, `looking up subnets of type '${subnetType}'`, () => c.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: `tag:${tag}`, Values: [subnetType] }] })));
  const subnets = out.Subnets ?? [];
  if (subnets.length === 0) return { path: 'launch.subnetType', message: `no subnet of account ${c.account} is tagged ${tag}=${subnetType}; tag the subnets the role's instances go in` };
  const vpcId = subnets[0]?.VpcId;
  return { ids: subnets.filter((s) => s.VpcId === vpcId).map((s) => s.SubnetId ?? ''), ...(vpcId ? { vpcId } : {}) };
}

async function securityGroupIdsOf(c: AwsClients, names: string[], vpcId: string | undefined): Promise<string[] | FieldProblem> {
  const filters = [{ Name: 'group-name', Values: names }, ...(vpcId ? [{ Name: 'vpc-id', Values: [vpcId] }] : [])];
  const out = await call(c, 'looking up security groups', () => c.ec2.send(new DescribeSecurityGroupsCommand({ Filters: filters })));
  const found = new Map((out.SecurityGroups ?? []).map((g) => [g.GroupName ?? '', g.GroupId ?? '']));
  const missing = names.filter((n) => !found.has(n));
  if (missing.length > 0) return { path: 'launch.securityGroups', message: `security group(s) ${missing.join(', ')} do not exist in account ${c.account}${vpcId ? ` (VPC ${vpcId})` : ''}; create them or set SecurityGroups on the server role` };
  return names.map((n) => found.get(n) ?? '');
}

/**
 * Finds the image, subnets and security groups a group needs, reporting every missing one together, so that a
 * group is never half-created from settings EC2 would reject.
 */
export async function resolveLaunch(c: AwsClients, spec: GroupSpec, opts: LaunchResolution): Promise<Resolved> {
  const [image, subnets] = await Promise.all([imageIdOf(c, spec.launch.image, opts.imageOwners ?? ['self']), subnetIdsOf(c, spec.launch.subnetType, opts.subnetTypeTag ?? 'SubnetType')]);
  const groups = await securityGroupIdsOf(c, securityGroupNamesOf(spec), 'ids' in subnets ? subnets.vpcId : undefined);
  const problems = [image, subnets, groups].filter((r): r is FieldProblem => typeof r === 'object' && 'path' in r && 'message' in r);
  if (problems.length > 0) throw new ValidationError(problems);
  return { imageId: image as string, subnetIds: (subnets as { ids: string[] }).ids, securityGroupIds: groups as string[] };
}

function templateData(spec: GroupSpec, r: Resolved, userData: string): RequestLaunchTemplateData {
  const l = spec.launch;
  return {
    ImageId: r.imageId,
    InstanceType: l.instanceType as _InstanceType,
    IamInstanceProfile: { Name: l.instanceProfile },
    SecurityGroupIds: r.securityGroupIds,
    ...(l.keyPair ? { KeyName: l.keyPair } : {}),
    BlockDeviceMappings: l.volumes.map((v) => ({ DeviceName: v.device, Ebs: { VolumeSize: v.sizeGb, VolumeType: v.type === 'ssd' ? 'gp3' : 'standard', Encrypted: v.encrypted, DeleteOnTermination: true } })),
    // SPEC §4: environments of type prod get detailed monitoring
    Monitoring: { Enabled: (spec.tags['EnvironmentType'] ?? '').toLowerCase() === 'prod' },
    MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
    UserData: Buffer.from(userData, 'utf8').toString('base64'),
  };
}

/** Creates the group's launch template, replacing one a half-finished earlier attempt left behind. */
export async function createLaunchTemplate(c: AwsClients, spec: GroupSpec, r: Resolved, userData: string): Promise<string> {
  const name = launchTemplateNameOf(spec.name);
  const create = () => c.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: name, LaunchTemplateData: templateData(spec, r, userData) }));
  await call(c, `creating launch template ${name}`, async () => {
    try {
      await create();
    } catch (err) {
      if (awsCode(err) !== 'InvalidLaunchTemplateName.AlreadyExistsException') throw err;
      await c.ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: name }));
      await create();
    }
  });
  return name;
}

/** Deletes a group's launch template; one that is already gone is fine. */
export async function deleteLaunchTemplate(c: AwsClients, group: string): Promise<void> {
  const name = launchTemplateNameOf(group);
  await call(c, `deleting launch template ${name}`, async () => {
    try {
      await c.ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: name }));
    } catch (err) {
      if (!(awsCode(err) ?? '').includes('NotFound')) throw err;
    }
  });
}
