import { notificationStoreContract } from './notification-store.contract.js';
import { createMemoryNotificationStore } from './memory-notification-store.js';

notificationStoreContract('memory', async () => ({ store: createMemoryNotificationStore(), dispose: async () => {} }));
