import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, isNotFoundError } from './checkpoint-error.js';
import {
  bytesPerElement,
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointManifest,
  type CheckpointTensorEntry,
  DATA_FILE_PATTERN,
  isCheckpointDType,
  MANIFEST_FILE_NAME,
  shapeSize,
} from './checkpoint-format.js';
import type { JsonValue } from './json-value.js';

type RawObject = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Checks one `tensors[]` entry; the byte length must agree with shape and dtype. */
function parseEntry(raw: unknown, index: number, path: string): CheckpointTensorEntry {
  const bad = (why: string): CheckpointError =>
    new CheckpointError('format', path, `Checkpoint manifest ${path}: tensors[${index}] ${why}`);
  if (!isObject(raw)) throw bad('is not an object');
  const { name, shape, dtype, byteOffset, byteLength, sha256 } = raw;
  if (typeof name !== 'string' || name === '') throw bad('has no name');
  const which = `("${name}")`;
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    throw bad(`${which} has an invalid shape`);
  }
  if (!isCheckpointDType(dtype)) throw bad(`${which} has unsupported dtype ${String(dtype)}`);
  if (!isNonNegativeInteger(byteOffset)) throw bad(`${which} has an invalid byteOffset`);
  const expectedLength = shapeSize(shape) * bytesPerElement(dtype);
  if (byteLength !== expectedLength) {
    throw bad(
      `${which} has byteLength ${String(byteLength)}, but its shape and dtype need ${expectedLength}`,
    );
  }
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) {
    throw bad(`${which} has an invalid sha256`);
  }
  return { name, shape, dtype, byteOffset, byteLength: expectedLength, sha256 };
}

/** Checks the fields after the version is known to be one this code reads. */
function parseBody(raw: RawObject, path: string): CheckpointManifest {
  const bad = (why: string): CheckpointError =>
    new CheckpointError('format', path, `Checkpoint manifest ${path}: ${why}`);
  const { dataFile, createdAt, tensors, metadata } = raw;
  // A bare `tensors-<hex>.bin` name: a manifest must never point outside its directory.
  if (typeof dataFile !== 'string' || !DATA_FILE_PATTERN.test(dataFile)) {
    throw bad(`dataFile ${JSON.stringify(dataFile)} is not a tensors-<id>.bin file name`);
  }
  if (typeof createdAt !== 'string') throw bad('createdAt is missing');
  if (!Array.isArray(tensors)) throw bad('tensors is not an array');
  const entries = tensors.map((entry: unknown, index) => parseEntry(entry, index, path));
  const names = new Set<string>();
  for (const { name } of entries) {
    if (names.has(name)) throw bad(`tensor "${name}" appears twice`);
    names.add(name);
  }
  return {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    dataFile,
    createdAt,
    tensors: entries,
    // JSON.parse output is JSON by construction; an absent field means "no metadata".
    metadata: metadata === undefined ? null : (metadata as JsonValue),
  };
}

/**
 * Parses and validates the text of a `manifest.json` (format: see `CheckpointManifest`).
 * `path` is only used in error messages. Throws `CheckpointError`: `'format'` for invalid
 * JSON, a foreign `format` or an inconsistent field; `'version'` for a `formatVersion`
 * newer than `CHECKPOINT_FORMAT_VERSION`.
 */
export function parseCheckpointManifest(text: string, path: string): CheckpointManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new CheckpointError(
      'format',
      path,
      `Checkpoint manifest ${path} is not valid JSON (${detail}); it is corrupt or not a manifest`,
      { cause },
    );
  }
  if (!isObject(raw) || raw.format !== CHECKPOINT_FORMAT) {
    const found = isObject(raw) ? JSON.stringify(raw.format) : 'not an object';
    throw new CheckpointError(
      'format',
      path,
      `${path} is not a ${CHECKPOINT_FORMAT} manifest (format: ${found})`,
    );
  }
  const version = raw.formatVersion;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw new CheckpointError('format', path, `Checkpoint manifest ${path}: invalid formatVersion`);
  }
  if (version > CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(
      'version',
      path,
      `Checkpoint ${path} has formatVersion ${version}, but this @bayesrnn/core reads up to ` +
        `${CHECKPOINT_FORMAT_VERSION}: it was written by a newer @bayesrnn/core; upgrade to load it`,
    );
  }
  return parseBody(raw, path);
}

/**
 * Reads and validates `dir/manifest.json` without touching the tensor data: cheap, for
 * listing checkpoints or reading their metadata (step, config) before deciding to load.
 * Throws `CheckpointError` `'missing'` when the directory or the manifest does not exist,
 * and as `parseCheckpointManifest` otherwise.
 */
export async function readCheckpointManifest(dir: string): Promise<CheckpointManifest> {
  const path = join(dir, MANIFEST_FILE_NAME);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if (!isNotFoundError(cause)) throw cause;
    const dirExists = await stat(dir).then(
      (stats) => stats.isDirectory(),
      () => false,
    );
    throw dirExists
      ? new CheckpointError(
          'missing',
          path,
          `Checkpoint ${dir} has no ${MANIFEST_FILE_NAME}: not a checkpoint directory, or its ` +
            'first save never completed',
          { cause },
        )
      : new CheckpointError(
          'missing',
          dir,
          `Checkpoint directory ${dir} does not exist (or is not a directory)`,
          {
            cause,
          },
        );
  }
  return parseCheckpointManifest(text, path);
}
