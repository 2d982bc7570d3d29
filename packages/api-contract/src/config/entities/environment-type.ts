import { z } from 'zod';
import { awsAccountNumber, bool, closed, hint, host, int, list, name, oneOf, schemaVersion, str, subnetTypeName } from './fields.js';

export const PROTECTED_ACTIONS = ['SCHEDULE_ENVIRONMENT', 'IGNORE_ASG_INSTANCES'] as const;

const subnetId = () => str('must be a subnet id: 1-255 letters, digits or "-" (e.g. subnet-0a1b2c3d)', { min: 1, max: 255, pattern: /^[A-Za-z0-9-]+$/ });

const SubnetSetSchema = closed({
  AvailabilityZoneA: subnetId(),
  AvailabilityZoneB: subnetId(),
  AvailabilityZoneC: subnetId().optional(),
  AvailabilityZoneD: subnetId().optional(),
  AvailabilityZoneE: subnetId().optional(),
  AvailabilityZoneF: subnetId().optional(),
  Secure: bool().optional().meta({ description: 'true: only server roles of the Secure zone use these subnets' }),
});

const ConsulSchema = closed({
  DataCenter: str('must be 1-64 letters, digits, "-" or "_"', { max: 64, pattern: /^[A-Za-z0-9_-]{1,64}$/ }),
  // 1024 and below are privileged ports; SPEC's 65536 is past the last port.
  Port: int(1025, 65535),
  Servers: list(host(), 20, 'Consul servers').min(1, { error: 'must list at least one Consul server (IP address or DNS name)' }),
  // Optional: a Consul without ACLs needs no token.
  SecurityTokenPath: closed({ Bucket: name(63), Key: name(1024) }).optional().meta({ description: 'S3 location of the Consul ACL token' }),
});

function compilesAsRegExp(s: string): boolean {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}

/** §3.2: a class of environments (e.g. Dev, Prod) and the AWS and Consul settings they share. Key: EnvironmentType. */
export const EnvironmentTypeSchema = closed({
  EnvironmentType: name(),
  Value: closed({
    SchemaVersion: schemaVersion().optional(),
    AWSAccountName: name().optional(),
    AWSAccountNumber: awsAccountNumber().optional(),
    VpcId: str('must be a VPC id such as vpc-0a1b2c3d', { max: 32, pattern: /^vpc-[0-9a-f]+$/ }).optional(),
    DeploymentBucket: str('must be an S3 bucket name: 3-63 lower-case letters, digits, "." or "-"', {
      max: 63,
      pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    }).optional(),
    Subnets: z
      .record(subnetTypeName(), SubnetSetSchema, hint('must be an object keyed by subnet type name (e.g. PrivateApp)'))
      .optional()
      .meta({ description: 'subnets by subnet type name (e.g. PrivateApp, PrivateSecure, PublicLB); zones A and B are required' }),
    Consul: ConsulSchema.optional(),
    LoadBalancers: list(host(), 50, 'nginx hosts').optional().meta({ description: 'the nginx hosts serving this type (its load-balancer group)' }),
    NamingPattern: str('must be a JavaScript regular expression of at most 1024 characters', { max: 1024 })
      .refine(compilesAsRegExp, { error: 'must be a valid JavaScript regular expression, e.g. ^[a-z]\\d{2}$' })
      .optional()
      .meta({ description: 'regular expression every environment name of this type must match' }),
    PuppetBranch: name().optional(),
    LicenseKeys: closed({ NewRelicKey: str('must be 1-255 characters', { min: 1, max: 255, secret: true }).optional() }).optional(),
    ProtectedActions: list(oneOf(PROTECTED_ACTIONS), PROTECTED_ACTIONS.length, 'protected actions')
      .optional()
      .meta({ description: 'actions refused for environments of this type, to everyone (§8, §9)' }),
  }),
}).meta({
  id: 'EnvironmentType',
  description:
    'A class of environments (§3.2). AWSAccountName, AWSAccountNumber, VpcId, DeploymentBucket, Subnets and Consul are optional so ' +
    'that a type for the embedded (single machine, no AWS) mode needs no invented AWS ids; deploying to AWS requires them. ' +
    'When present their formats are checked.',
});
export type EnvironmentType = z.infer<typeof EnvironmentTypeSchema>;
