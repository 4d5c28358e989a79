import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { CheckpointError, isNotFoundError } from './checkpoint-error.js';
import { bytesPerElement, type CheckpointTensorEntry } from './checkpoint-format.js';
import { allocateStorage, type CheckpointTypedArray, toHostByteOrder } from './tensor-bytes.js';

/** Reads exactly `bytes.length` bytes at `position`; false if the file ends first. */
async function readFully(
  handle: FileHandle,
  bytes: Uint8Array,
  position: number,
): Promise<boolean> {
  let filled = 0;
  while (filled < bytes.length) {
    const { bytesRead } = await handle.read(
      bytes,
      filled,
      bytes.length - filled,
      position + filled,
    );
    if (bytesRead === 0) return false;
    filled += bytesRead;
  }
  return true;
}

/**
 * Compares the file's size with the extent the manifest describes: shorter is `'truncated'`
 * (naming the first tensor cut off), longer means the file does not belong to this manifest.
 */
function checkSize(path: string, size: number, entries: readonly CheckpointTensorEntry[]): void {
  const end = (entry: CheckpointTensorEntry): number => entry.byteOffset + entry.byteLength;
  const needed = entries.reduce((most, entry) => Math.max(most, end(entry)), 0);
  if (size < needed) {
    const cut = entries.find((entry) => end(entry) > size);
    throw new CheckpointError(
      'truncated',
      path,
      `Checkpoint data file ${path} is truncated: ${size} bytes, but the manifest needs ` +
        `${needed}; tensor "${cut?.name ?? '?'}" is incomplete`,
      cut === undefined ? undefined : { tensorName: cut.name },
    );
  }
  if (size > needed) {
    throw new CheckpointError(
      'format',
      path,
      `Checkpoint data file ${path} has ${size} bytes, but the manifest describes ${needed}: ` +
        'it does not belong to this manifest',
    );
  }
}

/** Reads one tensor's bytes into a fresh typed array and verifies its SHA-256. */
async function readEntry(
  handle: FileHandle,
  path: string,
  entry: CheckpointTensorEntry,
): Promise<CheckpointTypedArray> {
  const size = entry.byteLength / bytesPerElement(entry.dtype);
  const { values, bytes } = allocateStorage(entry.dtype, size);
  if (!(await readFully(handle, bytes, entry.byteOffset))) {
    throw new CheckpointError(
      'truncated',
      path,
      `Checkpoint data file ${path} ended inside tensor "${entry.name}" (was it being replaced?)`,
      { tensorName: entry.name },
    );
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== entry.sha256) {
    throw new CheckpointError(
      'checksum',
      path,
      `Checkpoint data file ${path}: tensor "${entry.name}" fails its SHA-256 check ` +
        `(bytes ${entry.byteOffset}..${entry.byteOffset + entry.byteLength}); the file is ` +
        'corrupt or was modified',
      { tensorName: entry.name },
    );
  }
  toHostByteOrder(values);
  return values;
}

/**
 * Reads and verifies every tensor a manifest lists from the data file at `path`, in manifest
 * order, one fresh typed array each (no tfjs tensors yet, so a failure leaks nothing).
 * Throws `CheckpointError`: `'missing'`, `'truncated'`, `'format'` (wrong size), `'checksum'`.
 */
export async function readTensorData(
  path: string,
  entries: readonly CheckpointTensorEntry[],
): Promise<CheckpointTypedArray[]> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    if (!isNotFoundError(cause)) throw cause;
    throw new CheckpointError(
      'missing',
      path,
      `Checkpoint data file ${path}, named by the manifest, is missing`,
      { cause },
    );
  }
  try {
    checkSize(path, (await handle.stat()).size, entries);
    const arrays: CheckpointTypedArray[] = [];
    for (const entry of entries) arrays.push(await readEntry(handle, path, entry));
    return arrays;
  } finally {
    await handle.close();
  }
}
