import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { checkExpectations, type ExpectedTensor } from './check-expectations.js';
import { CheckpointError } from './checkpoint-error.js';
import { type CheckpointManifest, MANIFEST_FILE_NAME } from './checkpoint-format.js';
import type { JsonValue } from './json-value.js';
import { readCheckpointManifest } from './read-checkpoint-manifest.js';
import { readTensorData } from './read-tensor-data.js';
import type { CheckpointTypedArray } from './tensor-bytes.js';

/** Options of `loadCheckpoint`. `Name` is inferred from the keys of `expect`. */
export interface LoadCheckpointOptions<Name extends string = string> {
  /**
   * Tensors that must be present with these shapes (and dtypes), e.g. a component's
   * `weightSpecs`. Checked against the manifest before any data is read. Tensors not named
   * here are loaded too, unchecked.
   */
  readonly expect?: Readonly<Record<Name, ExpectedTensor>>;
}

/**
 * What `loadCheckpoint` returns. The caller owns (and must dispose) `tensors`. Names given in
 * `expect` are typed as present; any other name may be `undefined`.
 */
export interface LoadedCheckpoint<Name extends string = never> {
  /** Every stored tensor by name, with its stored shape and dtype. */
  readonly tensors: Record<Name, tf.Tensor> & Record<string, tf.Tensor>;
  /** The metadata given to `saveCheckpoint` (`null` if none). */
  readonly metadata: JsonValue;
  readonly manifest: CheckpointManifest;
}

/** Wraps verified arrays as tensors; on failure disposes those already made. */
function makeTensors(
  manifest: CheckpointManifest,
  arrays: readonly CheckpointTypedArray[],
): Record<string, tf.Tensor> {
  const made: [string, tf.Tensor][] = [];
  try {
    manifest.tensors.forEach((entry, index) => {
      const values = arrays[index];
      if (values === undefined) throw new Error(`internal: no data for "${entry.name}"`);
      made.push([entry.name, tf.tensor(values, [...entry.shape], entry.dtype)]);
    });
  } catch (error) {
    for (const [, tensor] of made) tensor.dispose();
    throw error;
  }
  // fromEntries defines own properties, so even a tensor named "__proto__" is just a key.
  return Object.fromEntries(made);
}

/**
 * Loads a checkpoint directory written by `saveCheckpoint` (format: see
 * `CheckpointManifest`): reads `manifest.json`, checks `options.expect`, reads the data file,
 * verifies every tensor's SHA-256, and only then creates the tensors, so a failure leaves no
 * tensors behind. The caller owns the returned tensors.
 *
 * Throws `CheckpointError` whose message names the file and tensor: `'missing'` (directory,
 * manifest or data file), `'truncated'`, `'checksum'`, `'format'`, `'version'` (written by a
 * newer `@bayesrnn/core`), and `'name'` / `'shape'` / `'dtype'` for unmet expectations.
 *
 * Safe while another process saves into the same directory: if that save commits and deletes
 * the data file this load was about to read, the load starts over with the new manifest.
 *
 * @example
 * const { tensors, metadata } = await loadCheckpoint('runs/lm/checkpoint', {
 *   expect: { 'layer0/kernel': { shape: [inputSize + hiddenSize, 4 * hiddenSize] } },
 * });
 * tensors['layer0/kernel']; // typed tf.Tensor: its presence and shape were checked
 */
export async function loadCheckpoint<Name extends string = never>(
  dir: string,
  options: LoadCheckpointOptions<Name> = {},
): Promise<LoadedCheckpoint<Name>> {
  const manifestPath = join(dir, MANIFEST_FILE_NAME);
  const expect: Readonly<Record<string, ExpectedTensor>> = options.expect ?? {};
  for (let attempt = 1; ; attempt += 1) {
    const manifest = await readCheckpointManifest(dir);
    checkExpectations(manifest, expect, manifestPath);
    let arrays: CheckpointTypedArray[];
    try {
      arrays = await readTensorData(join(dir, manifest.dataFile), manifest.tensors);
    } catch (error) {
      if (attempt < 3 && (await wasReplaced(error, dir, manifest))) continue;
      throw error;
    }
    // checkExpectations has verified that every name in `expect` is present.
    const tensors = makeTensors(manifest, arrays) as LoadedCheckpoint<Name>['tensors'];
    return { tensors, metadata: manifest.metadata, manifest };
  }
}

/** True if `error` is a missing data file because a newer manifest now names another one. */
async function wasReplaced(
  error: unknown,
  dir: string,
  manifest: CheckpointManifest,
): Promise<boolean> {
  if (!(error instanceof CheckpointError) || error.code !== 'missing') return false;
  const current = await readCheckpointManifest(dir).catch(() => undefined);
  return current !== undefined && current.dataFile !== manifest.dataFile;
}
