import { z } from 'zod';
import { environmentName, serviceName, str } from '../config/entities/fields.js';
import { UPSTREAM_NAME } from '../config/entities/upstream.js';

/*
 * Traffic switching (SPEC §7, §11): the slices of upstreams and services, and toggles. EM had these routes, so their
 * answers keep EM's PascalCase shapes (`{ToggledUpstreams}`, the slice records); the fields EM lacked are PascalCase
 * too, for one style per answer. Response schemas have no transforms.
 */

const slice = () => z.enum(['blue', 'green']);
const environmentParam = () => environmentName().meta({ description: 'a configured environment', example: 'c50' });
const activeFilter = () =>
  z.enum(['true', 'false']).optional().meta({ description: 'only the hosts that are up (`true`: Active) or down (`false`: Inactive)' });

// ---- requests ---------------------------------------------------------------------------------------------------

export const UpstreamPathSchema = z.object({
  name: str('must be an upstream name: 1-255 letters, digits, ".", "_" or "-", starting with a letter or digit', { max: 255, pattern: UPSTREAM_NAME }).meta({
    description: 'the upstream (`UpstreamName`, compared ignoring case)',
    example: 'c50-search',
  }),
});

export const ServiceSlicesPathSchema = z.object({ service: serviceName().meta({ description: 'the service', example: 'Search' }) });

/** `GET /upstreams/{name}/slices`. */
export const UpstreamSlicesQuerySchema = z.object({
  environment: environmentParam().optional().meta({ description: 'only the upstream of this environment' }),
  active: activeFilter(),
});

/** `GET /services/{service}/slices`. */
export const ServiceSlicesQuerySchema = z.object({ environment: environmentParam(), active: activeFilter() });

const activeSlice = () =>
  slice().optional().meta({ description: "the slice to make active: its host goes up and the other down. Without it every upstream flips" });

/** `PUT /services/{service}/slices/toggle`. */
export const ServiceToggleQuerySchema = z.object({ environment: environmentParam(), active: activeSlice() });

/** `PUT /upstreams/{name}/slices/toggle`. */
export const UpstreamToggleQuerySchema = z.object({
  environment: environmentParam().optional().meta({ description: 'the upstream of this environment (needed when several have the name)' }),
  active: activeSlice(),
});

// ---- answers ----------------------------------------------------------------------------------------------------

export const UpstreamSliceSchema = z
  .object({
    Key: z.string().meta({ description: 'the upstream item’s key, `/<env>_<upstream>/config`' }),
    EnvironmentName: z.string(),
    ServiceName: z.string(),
    UpstreamName: z.string(),
    DnsName: z.string().meta({ description: 'the host: a registry (Consul) service name, or a DNS name' }),
    Port: z.number().int(),
    OwningCluster: z.string().meta({ description: 'the service’s owning cluster' }),
    Name: z.enum(['Blue', 'Green', 'Unknown']).meta({ description: 'the slice, by the service’s BluePort/GreenPort' }),
    State: z.enum(['Active', 'Inactive']).meta({ description: 'Active: the host is up and takes traffic' }),
  })
  .meta({ id: 'UpstreamSlice', description: 'One host of an upstream: a slice and whether it takes traffic (SPEC §7).' });
export type UpstreamSliceDto = z.infer<typeof UpstreamSliceSchema>;

export const UpstreamSlicesSchema = z.array(UpstreamSliceSchema).meta({ id: 'UpstreamSlices' });

export const ToggleResultSchema = z
  .object({
    ToggledUpstreams: z.array(z.string()).meta({ description: 'the upstreams written, by name (EM’s answer)' }),
    UnchangedUpstreams: z.array(z.string()).meta({ description: 'upstreams that already sent their traffic to `active`: not written' }),
    EnvironmentName: z.string(),
    ServiceName: z.string(),
    Upstreams: z
      .array(z.object({ UpstreamName: z.string(), Key: z.string(), ActiveSlice: slice(), Version: z.number().int() }))
      .meta({ description: 'each upstream’s active slice afterwards, and its version' }),
  })
  .meta({ id: 'ToggleResult' });
export type ToggleResultDto = z.infer<typeof ToggleResultSchema>;
