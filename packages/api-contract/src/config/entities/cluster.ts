import type { z } from 'zod';
import { closed, email, name, schemaVersion, str } from './fields.js';

/** §3.4: a team. Key: ClusterName. */
export const ClusterSchema = closed({
  ClusterName: name(),
  Value: closed({
    ShortName: str('must be 1-8 letters or digits (2 letters by convention, e.g. IN)', { max: 8, pattern: /^[A-Za-z0-9]{1,8}$/ }).meta({
      description: 'used in ASG and instance names (§4), lower-cased there',
    }),
    GroupEmailAddress: email().optional(),
    ADMembershipGroup: name().optional(),
    KeyPair: name().optional().meta({ description: "the default EC2 key pair of the cluster's instances" }),
    NotificationSettingsId: name().optional(),
    SchemaVersion: schemaVersion().optional(),
  }),
}).meta({ id: 'Cluster', description: 'A team that owns services, environments and server roles (§3.4).' });
export type Cluster = z.infer<typeof ClusterSchema>;
