import type { JsonValue } from './json-value.js';

/** The `format` field of every checkpoint manifest; anything else is not ours. */
export const CHECKPOINT_FORMAT = 'bayesrnn-checkpoint';

/**
 * The newest `formatVersion` this code writes and reads. Bump it for any change an older
 * reader would misread; older readers then refuse with "upgrade" instead of loading garbage.
 */
export const CHECKPOINT_FORMAT_VERSION = 1;

/** The manifest's file name inside a checkpoint directory. */
export const MANIFEST_FILE_NAME = 'manifest.json';

/**
 * The dtypes a checkpoint stores, with their on-disk encoding (little-endian, no padding
 * inside a tensor): `float32` as IEEE-754 binary32 (NaN payloads, -0 and ±Infinity kept
 * bit-exact), `int32` as two's complement, `bool` as one byte each, 0 or 1.
 */
export type CheckpointDType = 'float32' | 'int32' | 'bool';

/** One tensor in the data file, as described by the manifest. */
export interface CheckpointTensorEntry {
  /** The caller's name, e.g. `layer0/kernel`; any non-empty string, unique in a manifest. */
  readonly name: string;
  /** Full shape, `[]` for a scalar; may contain 0 (an empty tensor). */
  readonly shape: readonly number[];
  readonly dtype: CheckpointDType;
  /** Where the tensor's bytes start in the data file (a multiple of 8). */
  readonly byteOffset: number;
  /** `size(shape) * bytesPerElement(dtype)`. */
  readonly byteLength: number;
  /** Lower-case hex SHA-256 of exactly those bytes. */
  readonly sha256: string;
}

/**
 * Contents of `manifest.json`, the single source of truth of a checkpoint directory:
 *
 * ```json
 * { "format": "bayesrnn-checkpoint", "formatVersion": 1,
 *   "dataFile": "tensors-3f9a….bin", "createdAt": "2025-01-31T12:00:00.000Z",
 *   "tensors": [{ "name": "layer0/kernel", "shape": [4, 8], "dtype": "float32",
 *                 "byteOffset": 0, "byteLength": 128, "sha256": "…" }],
 *   "metadata": { "step": 1200, "config": { … } } }
 * ```
 *
 * Tensor names live only here, never in file names, so they may contain `/` or anything else.
 */
export interface CheckpointManifest {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly formatVersion: typeof CHECKPOINT_FORMAT_VERSION;
  /** Base name of the data file in the same directory, `tensors-<hex id>.bin`. */
  readonly dataFile: string;
  /** ISO-8601 time the save started. Informational only. */
  readonly createdAt: string;
  /** In data-file order. */
  readonly tensors: readonly CheckpointTensorEntry[];
  /** The caller's free-form JSON (config, step, …); `null` when none was given. */
  readonly metadata: JsonValue;
}

/** Tensors start on multiples of this, so a reader can view them in place as typed arrays. */
export const TENSOR_ALIGNMENT = 8;

/** Data file names we write, and may delete once no manifest refers to them. */
export const DATA_FILE_PATTERN = /^tensors-[0-9a-f]+\.bin$/;

/** Storage size of one element. */
export function bytesPerElement(dtype: CheckpointDType): number {
  return dtype === 'bool' ? 1 : 4;
}

/** Narrows a tfjs (or manifest) dtype string to one a checkpoint can store. */
export function isCheckpointDType(dtype: unknown): dtype is CheckpointDType {
  return dtype === 'float32' || dtype === 'int32' || dtype === 'bool';
}

/** Number of elements of a shape; 1 for a scalar, 0 if any dimension is 0. */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((product, dimension) => product * dimension, 1);
}

/** Formats a shape the way error messages print it, e.g. `[4,8]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
