import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from './checkpoint-error.js';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointDType,
  type CheckpointManifest,
  type CheckpointTensorEntry,
  isCheckpointDType,
  MANIFEST_FILE_NAME,
} from './checkpoint-format.js';
import { runQueuedForDirectory } from './directory-queue.js';
import { assertJsonValue, type JsonValue } from './json-value.js';
import { sweepStaleFiles } from './sweep-stale-files.js';
import { asStorageArray } from './tensor-bytes.js';
import {
  fsyncDirectory,
  makeDirectoryDurable,
  tempPathFor,
  uniqueId,
  writeNewFileDurable,
} from './write-file-atomic.js';
import { type TensorSnapshot, writeTensorData } from './write-tensor-data.js';

/**
 * The durable steps of a save, in order: the data file is complete under its final name
 * (`'data-written'`); the new manifest is complete under a temp name (`'manifest-staged'`);
 * it has replaced `manifest.json` (`'committed'`, the only step readers can see).
 */
export type SavePhase = 'data-written' | 'manifest-staged' | 'committed';

/** Options of `saveCheckpoint`. */
export interface SaveCheckpointOptions {
  /**
   * Awaited after each phase, for progress reporting and crash tests. If it throws before
   * `'committed'`, the save is abandoned: the previous checkpoint stays, the new files are
   * removed, and the error propagates. If it throws at `'committed'`, the new checkpoint
   * stands but old files are not swept until the next save.
   */
  readonly onPhase?: (phase: SavePhase) => void | Promise<void>;
}

/** Checks every input before anything touches the disk; returns the tensors' dtypes. */
function validateInputs(
  dir: string,
  tensors: Readonly<Record<string, tf.Tensor>>,
  metadata: JsonValue,
): [string, tf.Tensor, CheckpointDType][] {
  const checked: [string, tf.Tensor, CheckpointDType][] = [];
  for (const [name, tensor] of Object.entries(tensors)) {
    const fail = (code: 'name' | 'dtype' | 'input', why: string): CheckpointError =>
      new CheckpointError(code, dir, `Cannot save checkpoint ${dir}: ${why}`, { tensorName: name });
    if (name === '') throw fail('name', 'a tensor has an empty name');
    if (tensor.isDisposed) throw fail('input', `tensor "${name}" is disposed`);
    const { dtype } = tensor;
    if (!isCheckpointDType(dtype)) {
      throw fail(
        'dtype',
        `tensor "${name}" has dtype ${dtype}; checkpoints store float32, int32, bool`,
      );
    }
    checked.push([name, tensor, dtype]);
  }
  assertJsonValue(metadata, 'metadata', dir);
  return checked;
}

/**
 * Saves named tensors and JSON metadata as a checkpoint directory, atomically replacing any
 * checkpoint already there. Layout (format: see `CheckpointManifest`):
 *
 * - `dir/manifest.json`: format name and version, data file name, and per tensor its name,
 *   shape, dtype, byte range and SHA-256; plus `metadata`.
 * - `dir/tensors-<id>.bin`: the tensors' raw little-endian bytes (float32, int32; bool as
 *   one byte), each at an 8-byte-aligned offset.
 *
 * A process killed at any moment (or a power cut) leaves either the old or the new checkpoint
 * fully readable: the data file and manifest are written under temp names and fsynced, then
 * the manifest is renamed over `manifest.json` (the commit), then the directory is fsynced,
 * and only then are superseded data files and leftovers of interrupted saves deleted.
 * Creates `dir` (and parents) if needed. Other files in `dir` are left alone.
 *
 * Values are read with `tensor.data()` for all tensors at once, at call time, so the snapshot
 * is consistent even if variables are updated while the save is writing. The caller keeps
 * ownership of `tensors`. Non-finite values are stored as they are. Saves into one directory
 * from this process run one at a time; saving into one directory from two processes at once
 * is not supported.
 *
 * Throws `CheckpointError` for an empty name (`'name'`), a `complex64` or `string` tensor
 * (`'dtype'`), a disposed tensor or non-JSON metadata such as `NaN` (`'input'`); file-system
 * errors pass through. Resolves to the manifest written.
 *
 * @example
 * await saveCheckpoint('runs/lm/checkpoint', { 'layer0/kernel': kernel }, { step, config });
 */
export async function saveCheckpoint(
  dir: string,
  tensors: Readonly<Record<string, tf.Tensor>>,
  metadata: JsonValue = null,
  options: SaveCheckpointOptions = {},
): Promise<CheckpointManifest> {
  const checked = validateInputs(dir, tensors, metadata);
  const createdAt = new Date().toISOString();
  // All reads are issued in this same tick, before any await, so they see one state.
  const allValues = await Promise.all(checked.map(([, tensor]) => tensor.data()));
  const snapshots = checked.map(([name, tensor, dtype], index): TensorSnapshot => {
    const values = allValues[index];
    if (values === undefined) throw new Error(`internal: no data for tensor "${name}"`);
    return { name, shape: tensor.shape, dtype, values: asStorageArray(dtype, values) };
  });
  // Serialised per directory: see runQueuedForDirectory for the race this prevents.
  return runQueuedForDirectory(dir, () =>
    writeCheckpoint(dir, snapshots, { createdAt, metadata }, options.onPhase),
  );
}

/** The names one save writes under: final and temp, for the data file and the manifest. */
interface SaveFiles {
  readonly dataFile: string;
  readonly dataPath: string;
  readonly dataTemp: string;
  readonly manifestPath: string;
  readonly manifestTemp: string;
}

function planFiles(dir: string): SaveFiles {
  const dataFile = `tensors-${uniqueId()}.bin`;
  const dataPath = join(dir, dataFile);
  const manifestPath = join(dir, MANIFEST_FILE_NAME);
  return {
    dataFile,
    dataPath,
    dataTemp: tempPathFor(dataPath),
    manifestPath,
    manifestTemp: tempPathFor(manifestPath),
  };
}

/** Phase 1: the data file, complete and durable under its final (not yet referenced) name. */
async function writeDataFile(
  dir: string,
  files: SaveFiles,
  snapshots: readonly TensorSnapshot[],
): Promise<CheckpointTensorEntry[]> {
  const entries = await writeTensorData(files.dataTemp, snapshots);
  await rename(files.dataTemp, files.dataPath);
  // Make the data file's name durable before any manifest can point at it.
  await fsyncDirectory(dir);
  return entries;
}

/** The phases on disk; removes its own files if anything fails before the commit. */
async function writeCheckpoint(
  dir: string,
  snapshots: readonly TensorSnapshot[],
  header: { createdAt: string; metadata: JsonValue },
  onPhase: SaveCheckpointOptions['onPhase'],
): Promise<CheckpointManifest> {
  await makeDirectoryDurable(dir);
  // Free the space of an interrupted save's temp files before writing a new data file.
  await sweepStaleFiles(dir);
  const files = planFiles(dir);
  let committed = false;
  try {
    const tensors = await writeDataFile(dir, files, snapshots);
    await onPhase?.('data-written');
    const manifest: CheckpointManifest = {
      format: CHECKPOINT_FORMAT,
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      dataFile: files.dataFile,
      createdAt: header.createdAt,
      tensors,
      metadata: header.metadata,
    };
    await writeNewFileDurable(files.manifestTemp, `${JSON.stringify(manifest, null, 2)}\n`);
    await onPhase?.('manifest-staged');
    // The commit: rename atomically replaces manifest.json, so readers see old or new.
    await rename(files.manifestTemp, files.manifestPath);
    committed = true;
    await fsyncDirectory(dir);
    await onPhase?.('committed');
    await sweepStaleFiles(dir, files.dataFile);
    return manifest;
  } catch (error) {
    if (!committed) {
      // Best effort: a failure here must not hide the error that matters.
      const ours = [files.dataTemp, files.dataPath, files.manifestTemp];
      await Promise.all(ours.map((path) => rm(path, { force: true }).catch(() => {})));
    }
    throw error;
  }
}
