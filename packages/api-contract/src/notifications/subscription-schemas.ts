import { z } from 'zod';

/*
 * Notifications (docs/notifications.md): subscriptions to EM's domain events, their deliveries and dead letters.
 * EM never had these resources, so their JSON is camelCase.
 */

/**
 * The event types EM publishes: the domain's (packages/domain DOMAIN_EVENT_TYPES; a test in packages/http keeps the
 * two the same) and the subscriptions' own changes. Subscriptions may also name families (`deployment.*`) or `*`.
 */
export const EVENT_TYPES = [
  'deployment.requested', 'deployment.succeeded', 'deployment.failed', 'deployment.cancelled',
  'traffic.toggled', 'instance.maintenance', 'asg.resized', 'asg.deleted', 'target-state.deleted',
  'environment.locked', 'environment.unlocked', 'environment.maintenance-on', 'environment.maintenance-off',
  'schedule.action', 'config.changed',
  'subscription.created', 'subscription.updated', 'subscription.deleted',
] as const;

const name = z.string().min(1).max(100);
const names = z.array(z.string().min(1).max(64)).max(100);

export const SubscriptionChannelSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('webhook'), url: z.string().min(1).max(2048).meta({ description: 'http(s) URL; link-local and metadata addresses are refused', example: 'https://hooks.example.com/em' }) }).strict(),
    z.object({ kind: z.literal('email'), to: z.array(z.string().min(3).max(254)).max(50).optional().meta({ description: "recipients; absent: the owners of the event's environment by its AlertSettings" }) }).strict(),
  ])
  .meta({ id: 'SubscriptionChannel' });

/** `POST /subscriptions` and the body of `PUT /subscriptions/{id}`. */
export const SubscriptionRequestSchema = z
  .object({
    name,
    eventTypes: z.array(z.string().min(1).max(100)).min(1).max(50).meta({ description: 'event types, families like `deployment.*`, or `*`', example: ['deployment.failed'] }),
    environments: names.optional().meta({ description: 'only events of these environments (any case)' }),
    clusters: names.optional().meta({ description: 'only events of environments owned by these clusters' }),
    channel: SubscriptionChannelSchema,
    enabled: z.boolean().optional().meta({ description: 'default true' }),
    rotateSecret: z.boolean().optional().meta({ description: 'PUT only: issue a new signing secret (returned once)' }),
  })
  .strict()
  .meta({ id: 'SubscriptionRequest' });
export type SubscriptionRequest = z.infer<typeof SubscriptionRequestSchema>;

export const SubscriptionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    eventTypes: z.array(z.string()),
    environments: z.array(z.string()).optional(),
    clusters: z.array(z.string()).optional(),
    channel: SubscriptionChannelSchema,
    enabled: z.boolean(),
    createdBy: z.string(),
    createdAt: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'Subscription' });
export type SubscriptionDto = z.infer<typeof SubscriptionSchema>;

/** The answer to a create (and to an update that rotated the secret): the secret is shown this once. */
export const SubscriptionCreatedSchema = z
  .object({ subscription: SubscriptionSchema, secret: z.string().optional().meta({ description: 'the webhook signing secret; store it now, it is never shown again' }) })
  .meta({ id: 'SubscriptionCreated' });
export type SubscriptionCreatedDto = z.infer<typeof SubscriptionCreatedSchema>;

export const SubscriptionListSchema = z.array(SubscriptionSchema);

export const DeliverySchema = z
  .object({
    id: z.string(),
    subscriptionId: z.string(),
    eventSeq: z.number().int(),
    eventId: z.string(),
    eventType: z.string(),
    recipients: z.array(z.string()).optional(),
    state: z.enum(['pending', 'delivered', 'dead']),
    attempts: z.number().int(),
    nextAttemptAtMs: z.number(),
    createdAtMs: z.number(),
    finishedAtMs: z.number().optional(),
    lastError: z.string().optional(),
  })
  .meta({ id: 'Delivery' });
export type DeliveryDto = z.infer<typeof DeliverySchema>;
export const DeliveryListSchema = z.array(DeliverySchema);

export const DeliveryQuerySchema = z.object({
  state: z.enum(['pending', 'delivered', 'dead']).optional().meta({ description: '`dead` lists the dead letters' }),
  subscription: z.string().max(100).optional(),
  after: z.string().max(200).optional().meta({ description: 'the last id of the previous page' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export interface DeliveryQuery { state?: 'pending' | 'delivered' | 'dead' | undefined; subscription?: string | undefined; after?: string | undefined; limit?: number | undefined }

export const SubscriptionPathSchema = z.object({ id: z.string().min(1).max(100) });
export const DeliveryPathSchema = z.object({ id: z.string().min(1).max(200) });
