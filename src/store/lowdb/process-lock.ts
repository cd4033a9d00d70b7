import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreLockedError } from '../port.js';
import { FILE_MODE } from './atomic-file.js';

const LOCK_FILE = 'bot.lock';

/** Locks this process holds: a lock file with our own pid is ours only if it is listed here; otherwise it was
 * left by an earlier run that happened to have the same pid (pid 1 in a restarted container). */
const held = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One process that changes records per DATA_DIR: the embedded store keeps its indexes in memory, so a second
 * writer would silently overwrite the first. A lock left by a crashed process (its pid is gone) is taken over.
 */
export async function acquireLock(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx', FILE_MODE);
      await handle.writeFile(String(process.pid));
      await handle.close();
      held.add(path);
      return async () => {
        held.delete(path);
        await unlink(path).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (held.has(path) || (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid))) {
        throw new StoreLockedError(dataDir, held.has(path) ? process.pid : pid);
      }
      await unlink(path).catch(() => undefined);
    }
  }
  throw new Error(`could not take the lock ${path}`);
}
