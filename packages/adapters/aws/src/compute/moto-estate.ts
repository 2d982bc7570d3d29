import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CreateSecurityGroupCommand, CreateTagsCommand, DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client, RegisterImageCommand } from '@aws-sdk/client-ec2';
import { STSClient } from '@aws-sdk/client-sts';
import type { AccountCredentials } from '@envmgr/ports';
import { createStsAccountCredentials } from '../sts-account-credentials.js';
import type { AwsClients } from './aws-reads.js';

/** The accounts of the test estate: moto's default account acts as the master. */
export const MOTO_MASTER = '123456789012';
export const MOTO_CHILDREN = ['222222222222', '333333333333'] as const;
export const TEST_IMAGE = 'RHEL-7-NodeJS-3.2.1';
const KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'moto' };

/** Clients of one account on moto: the master with its own keys, others through the child role (as EM does). */
export function motoAccountClients(endpoint: string, account: string, credentials: AccountCredentials): AwsClients & { destroy(): void } {
  const provider = account === MOTO_MASTER ? KEYS : async () => {
    const c = await credentials.get(account);
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: new Date(c.expiresAtMs) };
  };
  const base = { endpoint, region: 'eu-west-1', credentials: provider, maxAttempts: 1 };
  const ec2 = new EC2Client(base);
  const autoScaling = new AutoScalingClient(base);
  return { ec2, autoScaling, account, destroy: () => (ec2.destroy(), autoScaling.destroy()) };
}

export function motoCredentials(endpoint: string): { credentials: AccountCredentials; destroy(): void } {
  const sts = new STSClient({ endpoint, region: 'eu-west-1', credentials: KEYS, maxAttempts: 1 });
  return { credentials: createStsAccountCredentials({ sts, clock: { now: () => Date.now() } }), destroy: () => sts.destroy() };
}

/**
 * What an account needs before EM can create groups there, as an account set-up would leave it: the image the
 * contract's server role names, its default subnets tagged `SubnetType=PrivateApp`, and the security groups SPEC §4
 * derives for the roles `Web` and `Worker` of cluster `Infra`.
 */
export async function prepareMotoAccount(c: AwsClients): Promise<void> {
  const ec2 = c.ec2;
  await ec2.send(new RegisterImageCommand({ Name: TEST_IMAGE, RootDeviceName: '/dev/sda1', Architecture: 'x86_64' }));
  const vpcs = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
  const vpcId = vpcs.Vpcs?.[0]?.VpcId;
  const subnets = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId ?? ''] }] }));
  const ids = (subnets.Subnets ?? []).map((s) => s.SubnetId ?? '');
  await ec2.send(new CreateTagsCommand({ Resources: ids, Tags: [{ Key: 'SubnetType', Value: 'PrivateApp' }] }));
  for (const name of ['sgRoleInfraWeb', 'sgRoleInfraWorker', 'sgOSLinux']) {
    await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId }));
  }
}

/** Ids of a group's members as Auto Scaling itself reports them in `account` (empty when it has no such group). */
export async function motoGroupMembers(endpoint: string, account: string, group: string): Promise<string[]> {
  const estate = motoCredentials(endpoint);
  const c = motoAccountClients(endpoint, account, estate.credentials);
  try {
    const out = await c.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }));
    return (out.AutoScalingGroups?.[0]?.Instances ?? []).map((i) => i.InstanceId ?? '');
  } finally {
    c.destroy();
    estate.destroy();
  }
}
