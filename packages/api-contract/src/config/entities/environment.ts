import type { z } from 'zod';
import { awsAccountNumber, closed, environmentName, name, oneOf, schemaVersion, text } from './fields.js';

export const ALERT_SETTINGS = ['EnvironmentOwner', 'ServiceOwner', 'ContactEmailTag', 'Custom'] as const;

/** §3.3: an environment. Key: EnvironmentName. */
export const EnvironmentSchema = closed({
  EnvironmentName: environmentName(),
  Value: closed({
    EnvironmentType: name(),
    OwningCluster: name(),
    DeploymentMap: name().optional().meta({ description: 'the deployment map whose server roles deployments use; must exist' }),
    Description: text().optional(),
    AlertSettings: oneOf(ALERT_SETTINGS).optional(),
    NotificationSettingsId: name().optional(),
    SchemaVersion: schemaVersion().optional(),
    // EM adds it on reads, so clients send it back on PUT; accepting it keeps their read-modify-write loops working.
    AWSAccountNumber: awsAccountNumber().optional().meta({ description: "read-only: the environment type's account, added on reads" }),
  }),
}).meta({
  id: 'Environment',
  description: "An environment (§3.3). The name must also match its type's NamingPattern.",
});
export type Environment = z.infer<typeof EnvironmentSchema>;
