import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scheduleActionLogContract } from '@envmgr/ports/testing';
import { createSqliteScheduleActionLog } from './sqlite-schedule-action-log.js';

scheduleActionLogContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'envmgr-schedule-actions-'));
  const log = createSqliteScheduleActionLog({ path: join(dir, 'schedule-actions.db') });
  return {
    log,
    dispose: async () => {
      try {
        await log.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
});
