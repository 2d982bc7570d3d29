import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptDataError } from '@envmgr/domain';
import { parseGroupRecord, parseInstanceRecord, type GroupRecord, type InstanceRecord } from './records.js';

const INSTANCE_FILE = 'instance.json';
const TMP_SUFFIX = '.tmp';

/**
 * The local compute's files under `root`:
 * - `groups/<name, URI-encoded>.json`: one group record each;
 * - `instances/<id>/instance.json`: one instance record, next to whatever its process keeps in that folder.
 * Every write goes to a temporary file that is then renamed over the record, so a crash leaves the old or the new
 * record, never half of one.
 */
export interface Disk {
  instanceDir(id: string): string;
  load(): Promise<{ groups: GroupRecord[]; instances: InstanceRecord[] }>;
  saveGroup(rec: GroupRecord): Promise<void>;
  removeGroup(name: string): Promise<void>;
  /** Creates the instance's folder and writes its record. */
  createInstance(rec: InstanceRecord): Promise<void>;
  saveInstance(rec: InstanceRecord): Promise<void>;
  /** Removes the instance's folder and everything in it. */
  removeInstance(id: string): Promise<void>;
}

export function createDisk(root: string): Disk {
  const groupsDir = join(root, 'groups');
  const instancesDir = join(root, 'instances');
  const groupFile = (name: string): string => join(groupsDir, `${encodeURIComponent(name)}.json`);
  const instanceDir = (id: string): string => join(instancesDir, id);
  return {
    instanceDir,
    async load() {
      await mkdir(groupsDir, { recursive: true });
      await mkdir(instancesDir, { recursive: true });
      const groups: GroupRecord[] = [];
      for (const file of await jsonFiles(groupsDir)) groups.push(parseGroupRecord(await readJson(file), file));
      const instances: InstanceRecord[] = [];
      for (const id of await readdir(instancesDir)) {
        const dir = instanceDir(id);
        await removeLeftovers(dir);
        const file = join(dir, INSTANCE_FILE);
        const value = await readJson(file, true);
        // A folder without a record is what a crash between mkdir and the first write leaves: nothing ran there.
        if (value !== undefined) instances.push(parseInstanceRecord(value, file));
      }
      return { groups, instances };
    },
    saveGroup: (rec) => writeJsonAtomic(groupFile(rec.name), rec),
    removeGroup: (name) => rm(groupFile(name), { force: true }),
    async createInstance(rec) {
      await mkdir(instanceDir(rec.id), { recursive: true });
      await writeJsonAtomic(join(instanceDir(rec.id), INSTANCE_FILE), rec);
    },
    saveInstance: (rec) => writeJsonAtomic(join(instanceDir(rec.id), INSTANCE_FILE), rec),
    removeInstance: (id) => rm(instanceDir(id), { recursive: true, force: true }),
  };
}

async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}${TMP_SUFFIX}`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

async function jsonFiles(dir: string): Promise<string[]> {
  await removeLeftovers(dir);
  return (await readdir(dir)).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f));
}

/** Temporary files of writes a crash interrupted. */
async function removeLeftovers(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((f) => f.endsWith(TMP_SUFFIX)).map((f) => rm(join(dir, f), { force: true })));
}

async function readJson(file: string, missingOk = false): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (missingOk && (code === 'ENOENT' || code === 'ENOTDIR')) return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CorruptDataError(`${file} is not valid JSON; restore it from a backup or delete it`, { file }, { cause: err });
  }
}
