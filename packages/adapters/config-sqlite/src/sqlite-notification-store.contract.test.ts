import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notificationStoreContract } from '@envmgr/ports/testing';
import type { NotificationStore } from '@envmgr/ports';
import { createSqliteNotificationStore } from './sqlite-notification-store.js';

notificationStoreContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'envmgr-notifications-'));
  const path = join(dir, 'notifications.db');
  let store: NotificationStore = createSqliteNotificationStore({ path });
  return {
    store,
    reopen: async () => {
      await store.close();
      store = createSqliteNotificationStore({ path });
      return store;
    },
    dispose: async () => {
      try {
        await store.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
});
