import type { z } from 'zod';
import { closed, email, list, name } from './fields.js';

/** §3.10: where alerts of environments and clusters go. Key: NotificationSettingsId. */
export const NotificationSettingsSchema = closed({
  NotificationSettingsId: name(),
  Value: closed({
    NotificationEmail: list(email(), 50, 'email addresses').optional(),
    ChatChannel: list(name(), 50, 'chat channel names').optional(),
    Paging: list(name(), 50, 'paging targets').optional(),
    Ticketing: name().optional(),
  }),
}).meta({ id: 'NotificationSettings', description: 'Where the alerts of the environments and clusters that name these settings go (§3.10).' });
export type NotificationSettings = z.infer<typeof NotificationSettingsSchema>;
