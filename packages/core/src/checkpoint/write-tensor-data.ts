import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import {
  type CheckpointDType,
  type CheckpointTensorEntry,
  shapeSize,
  TENSOR_ALIGNMENT,
} from './checkpoint-format.js';
import { type CheckpointTypedArray, toLittleEndianBytes } from './tensor-bytes.js';

/** One tensor's values, already read from tfjs, ready to be written. */
export interface TensorSnapshot {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: CheckpointDType;
  readonly values: CheckpointTypedArray;
}

/** Writes all of `bytes` at `position` (a single write may be partial). */
async function writeFully(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const result = await handle.write(bytes, written, bytes.length - written, position + written);
    written += result.bytesWritten;
  }
}

/** `offset` rounded up to the next multiple of `TENSOR_ALIGNMENT`. */
function align(offset: number): number {
  return Math.ceil(offset / TENSOR_ALIGNMENT) * TENSOR_ALIGNMENT;
}

/**
 * Creates the data file at `path` (which must not exist) with every tensor's little-endian
 * bytes, each starting on an 8-byte boundary (gaps are zeros), fsyncs it, and returns the
 * manifest entries with offsets and SHA-256 sums. Empty tensors take no bytes and no padding,
 * so the file always ends exactly where the last entry does.
 */
export async function writeTensorData(
  path: string,
  snapshots: readonly TensorSnapshot[],
): Promise<CheckpointTensorEntry[]> {
  const handle = await open(path, 'wx');
  try {
    const entries: CheckpointTensorEntry[] = [];
    let end = 0;
    for (const { name, shape, dtype, values } of snapshots) {
      if (values.length !== shapeSize(shape)) {
        throw new Error(`tensor "${name}": ${values.length} values for shape [${shape.join(',')}]`);
      }
      const bytes = toLittleEndianBytes(values);
      const byteOffset = bytes.length === 0 ? end : align(end);
      await writeFully(handle, bytes, byteOffset);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      entries.push({
        name,
        shape: [...shape],
        dtype,
        byteOffset,
        byteLength: bytes.length,
        sha256,
      });
      end = byteOffset + bytes.length;
    }
    await handle.sync();
    return entries;
  } finally {
    await handle.close();
  }
}
