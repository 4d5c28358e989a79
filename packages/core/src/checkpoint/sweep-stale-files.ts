import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DATA_FILE_PATTERN, MANIFEST_FILE_NAME } from './checkpoint-format.js';
import { TEMP_SUFFIX_PATTERN } from './write-file-atomic.js';

/** A temp file of ours: `manifest.json.tmp-<id>` or `tensors-<id>.bin.tmp-<id>`. */
function isOurTempFile(fileName: string): boolean {
  const match = TEMP_SUFFIX_PATTERN.exec(fileName);
  if (match === null) return false;
  const base = fileName.slice(0, match.index);
  return base === MANIFEST_FILE_NAME || DATA_FILE_PATTERN.test(base);
}

/**
 * Deletes what interrupted or superseded saves left in a checkpoint directory: our temp files
 * and, when `keepDataFile` is given (the committed manifest's data file), every other data
 * file. Files with other names are never touched, so a checkpoint may share its directory.
 *
 * Best effort: a file that cannot be deleted (already gone, or open on Windows) is skipped,
 * since leftovers are harmless to readers and the next save sweeps again.
 *
 * Assumes no other save into `dir` is running: it would delete that save's files.
 */
export async function sweepStaleFiles(dir: string, keepDataFile?: string): Promise<void> {
  let fileNames: string[];
  try {
    fileNames = await readdir(dir);
  } catch {
    return;
  }
  const stale = fileNames.filter(
    (fileName) =>
      isOurTempFile(fileName) ||
      (keepDataFile !== undefined && fileName !== keepDataFile && DATA_FILE_PATTERN.test(fileName)),
  );
  await Promise.all(
    stale.map((fileName) => rm(join(dir, fileName), { force: true }).catch(() => {})),
  );
}
