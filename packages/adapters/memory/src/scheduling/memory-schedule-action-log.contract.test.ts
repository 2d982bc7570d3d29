import { scheduleActionLogContract } from '@envmgr/ports/testing';
import { createMemoryScheduleActionLog } from './memory-schedule-action-log.js';

scheduleActionLogContract('memory', async () => {
  const log = createMemoryScheduleActionLog();
  return { log, dispose: () => log.close() };
});
