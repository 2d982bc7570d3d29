import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The JWT signing key: from configuration, else kept (0600) in the data directory so sessions survive restarts. */
export function loadSigningKey(dataDir: string, configured: string | undefined): Uint8Array {
  if (configured) return new TextEncoder().encode(configured);
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}

/** Where the first admin password is written, readable by the owner only. */
export function writeInitialPassword(dataDir: string, password: string): string {
  const file = join(dataDir, 'initial-admin-password');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return file;
}

export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
