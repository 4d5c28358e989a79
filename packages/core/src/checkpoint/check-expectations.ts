import type * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from './checkpoint-error.js';
import { type CheckpointManifest, formatShape } from './checkpoint-format.js';

/**
 * What the caller requires of one stored tensor. A `WeightSpec` (from `@bayesrnn/spec`) has
 * this shape too, so a component's `weightSpecs` can be passed as `expect` directly.
 */
export interface ExpectedTensor {
  /** Exact shape, e.g. `[inputSize + hiddenSize, 4 * hiddenSize]`. */
  readonly shape: readonly number[];
  /** Checked only when given. */
  readonly dtype?: tf.DataType;
}

/** The `'name'` error, listing (the first 20 of) the names the checkpoint does have. */
function missingName(name: string, stored: readonly string[], path: string): CheckpointError {
  const listed = stored.slice(0, 20).map((key) => `"${key}"`);
  const more = stored.length > listed.length ? ', …' : '';
  return new CheckpointError(
    'name',
    path,
    `Checkpoint ${path} has no tensor "${name}" (it has ${listed.join(', ') || 'none'}${more})`,
    { tensorName: name },
  );
}

/**
 * Throws `CheckpointError` `'name'`, `'shape'` or `'dtype'` (with `path`, the manifest) for
 * the first expectation the manifest violates. Only own keys of `expect` count, so a name
 * such as `toString` is not found on `Object.prototype`.
 */
export function checkExpectations(
  manifest: CheckpointManifest,
  expect: Readonly<Record<string, ExpectedTensor>>,
  path: string,
): void {
  const byName = new Map(manifest.tensors.map((entry) => [entry.name, entry]));
  for (const [name, expected] of Object.entries(expect)) {
    const entry = byName.get(name);
    if (entry === undefined) throw missingName(name, [...byName.keys()], path);
    const same =
      entry.shape.length === expected.shape.length &&
      entry.shape.every((dimension, axis) => dimension === expected.shape[axis]);
    if (!same) {
      throw new CheckpointError(
        'shape',
        path,
        `Checkpoint ${path}: tensor "${name}" has shape ${formatShape(entry.shape)}, ` +
          `expected ${formatShape(expected.shape)}`,
        { tensorName: name },
      );
    }
    if (expected.dtype !== undefined && expected.dtype !== entry.dtype) {
      throw new CheckpointError(
        'dtype',
        path,
        `Checkpoint ${path}: tensor "${name}" has dtype ${entry.dtype}, expected ${expected.dtype}`,
        { tensorName: name },
      );
    }
  }
}
