import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { credentialStoreContract } from '@envmgr/ports/testing';
import { createSqliteCredentialStore } from './sqlite-credential-store.js';

credentialStoreContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'envmgr-cred-'));
  const store = createSqliteCredentialStore({ path: join(dir, 'credentials.db') });
  return { store, dispose: async () => { await store.close(); await rm(dir, { recursive: true, force: true }); } };
});

it('keeps the credentials file readable by its owner only', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'envmgr-cred-'));
  const store = createSqliteCredentialStore({ path: join(dir, 'credentials.db') });
  expect((await stat(join(dir, 'credentials.db'))).mode & 0o777).toBe(0o600);
  await store.close();
  await rm(dir, { recursive: true, force: true });
});
