import { describe, expect, it } from 'vitest';
import { InvalidStorageKeyError, NotFoundError, PayloadTooLargeError, type Actor } from '@envmgr/domain';
import { createMemoryBlobStore } from '@envmgr/ports/testing';
import { listLogs, readLog, uploadLog } from './logs.js';

const agent: Actor = { name: 'agent/token:1', kind: 'token', user: 'agent', permissions: [{ Resource: '/logs/**', Access: 'PUT' }] };
const reader: Actor = { name: 'carol', kind: 'user', user: 'carol', permissions: [] };

// ASCII only: app compiles without the DOM or Node libraries, so TextEncoder is not declared here
async function* body(text: string): AsyncGenerator<Uint8Array> {
  yield Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}
async function readText(it: AsyncIterable<Uint8Array>): Promise<string> {
  let s = '';
  for await (const c of it) s += String.fromCharCode(...c);
  return s;
}

describe('deployment logs', () => {
  it('stores a log under logs/ and reads and lists it back by its own key', async () => {
    const blobs = createMemoryBlobStore();
    const deps = { blobs, maxLogBytes: 100 };
    const key = 'c50/c50-Hello/deployment-i-1-42.log';
    expect(await uploadLog(deps, agent, { key, body: body('hook output') })).toMatchObject({ key, sizeBytes: 11 });
    expect(await blobs.stat(`logs/${key}`)).toBeDefined();
    const log = await readLog(deps, reader, key);
    expect(await readText(log.body)).toBe('hook output');
    expect(log.info.key).toBe(key);
    expect((await listLogs(deps, reader, 'c50/')).map((l) => l.key)).toEqual([key]);
  });

  it('refuses oversized logs, bad keys, callers without permission; 404 for a missing log', async () => {
    const deps = { blobs: createMemoryBlobStore(), maxLogBytes: 5 };
    await expect(uploadLog(deps, agent, { key: 'a.log', body: body('123456') })).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(uploadLog(deps, agent, { key: 'a.log', body: body('1'), declaredSizeBytes: 6 })).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(uploadLog(deps, agent, { key: '../x', body: body('1') })).rejects.toBeInstanceOf(InvalidStorageKeyError);
    await expect(uploadLog(deps, reader, { key: 'a.log', body: body('1') })).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(readLog(deps, reader, 'a.log')).rejects.toBeInstanceOf(NotFoundError);
  });
});
