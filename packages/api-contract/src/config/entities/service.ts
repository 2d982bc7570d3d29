import type { z } from 'zod';
import { bool, closed, httpUrl, int, list, name, schemaVersion, serviceName, str, text } from './fields.js';

// Below 1024 are privileged ports; the UI offers pairs from 40000-40999.
const port = () => int(1024, 65535);

/** §3.5: a deployable service. Key: ServiceName (unique, compared case-insensitively). */
export const ServiceSchema = closed({
  ServiceName: serviceName(),
  OwningCluster: name(),
  Value: closed({
    BluePort: port().optional().meta({ description: 'port of the blue slice (and of slice none); fixed once set' }),
    GreenPort: port().optional().meta({ description: 'port of the green slice; fixed once set' }),
    PackageType: name(64).optional(),
    SchemaVersion: schemaVersion().optional(),
    Description: text().optional(),
    PrimaryContact: name().optional(),
    ApplicationId: name().optional(),
    DocumentationUrl: httpUrl().optional(),
    WikiUrl: httpUrl().optional(),
    JiraUrl: httpUrl().optional(),
    ElkUrl: httpUrl().optional(),
    NewRelicUrl: httpUrl().optional(),
    NewRelicInsightsUrl: httpUrl().optional(),
    IsOne: bool().optional(),
    Dependencies: list(closed({ Name: name() }), 100, 'dependencies').optional(),
    Tags: list(closed({ Key: name(128), Value: str('must be at most 256 characters', { max: 256 }) }), 50, 'tags').optional(),
  }).refine((v) => v.BluePort === undefined || v.BluePort !== v.GreenPort, {
    path: ['GreenPort'],
    error: 'must differ from BluePort: each slice needs its own port',
  }),
}).meta({ id: 'Service', description: 'A deployable service and its blue/green ports (§3.5).' });
export type Service = z.infer<typeof ServiceSchema>;
