import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';

/** Matches the temp names `tempPathFor` makes, so a later writer can sweep crash leftovers. */
export const TEMP_SUFFIX_PATTERN = /\.tmp-[0-9a-f]{16}$/;

/** 16 random hex digits: unique enough that concurrent writers never pick the same name. */
export function uniqueId(): string {
  return randomBytes(8).toString('hex');
}

/** A fresh sibling temp name for `path`, e.g. `manifest.json.tmp-3f9a0c…`. */
export function tempPathFor(path: string): string {
  return `${path}.tmp-${uniqueId()}`;
}

/**
 * Errors from fsync on a directory that mean "this platform or file system cannot do that"
 * (Windows cannot open directories; some network file systems refuse). Nothing better is
 * possible there, so they are not worth failing a save over.
 */
const UNSUPPORTED_DIRECTORY_SYNC = new Set(['EISDIR', 'EINVAL', 'ENOTSUP', 'EPERM', 'EACCES']);

function isUnsupportedDirectorySync(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    UNSUPPORTED_DIRECTORY_SYNC.has(error.code)
  );
}

/**
 * Flushes a directory's entries to disk. POSIX makes a created or renamed name durable only
 * when its directory is fsynced; without this a power cut can undo a completed rename.
 */
export async function fsyncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (!isUnsupportedDirectorySync(error)) throw error;
  }
}

/**
 * Creates `dir` and any missing parents (like `mkdir -p`), and makes each new entry durable
 * by fsyncing the directory that holds it.
 */
export async function makeDirectoryDurable(dir: string): Promise<void> {
  const firstCreated = await mkdir(dir, { recursive: true });
  if (firstCreated === undefined) return;
  // Walk from `dir` up to the parent of the first directory mkdir created.
  // (The root check only guards against looping forever should mkdir ever report otherwise.)
  const stop = resolve(dirname(firstCreated));
  let current = resolve(dir);
  while (relative(stop, current) !== '' && dirname(current) !== current) {
    await fsyncDirectory(dirname(current));
    current = dirname(current);
  }
}

/**
 * Writes `data` to a new file at `path` and fsyncs it. Fails (EEXIST) rather than overwrite,
 * because every caller here writes under a fresh unique name.
 */
export async function writeNewFileDurable(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces the file at `path` with `data` atomically: readers (and a process killed at any
 * moment, or a power cut after it returns) see either the old contents or all of the new,
 * never a partial file. Writes a sibling temp file, fsyncs it, renames it over `path`, then
 * fsyncs the directory. Strings are written as UTF-8. The parent directory must exist.
 *
 * @example await writeFileAtomic('results/lm.json', `${JSON.stringify(results, null, 2)}\n`);
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(path);
  try {
    await writeNewFileDurable(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDirectory(dirname(path));
}
