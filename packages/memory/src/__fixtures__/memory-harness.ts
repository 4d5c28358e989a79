/**
 * Test-only helpers (not exported): the memory fixtures of `scripts/make-*-fixtures.py`, and
 * the unroll they were made with (write, then read, at every step).
 */
import type { Memory, NamedTensorTree } from '@bayesrnn/spec';
import {
  decode,
  decodeAll,
  type EncodedTensor,
  expectClose,
  type Tolerance,
} from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';

/** A memory fixture as `scripts/memory_fixture.py` writes it (float64 PyTorch reference). */
export interface MemoryFixture<StateName extends string> {
  /** `[steps, batchSize, controlSize]` */
  readonly controls: EncodedTensor;
  readonly initialState: { readonly [K in StateName]: EncodedTensor };
  /** `R` of the loss Σ_t Σ readVector_t ⊙ R_t, `[steps, batchSize, readSize]` */
  readonly lossWeights: EncodedTensor;
  /** Every step's read vector, `[steps, batchSize, readSize]`. */
  readonly reads: EncodedTensor;
  readonly finalState: { readonly [K in StateName]: EncodedTensor };
  readonly loss: number;
  /** d loss / d `controls` and d loss / d some initial-state entries. */
  readonly gradients: { readonly controls: EncodedTensor; readonly [name: string]: EncodedTensor };
}

/** A fixture's inputs, decoded. The caller owns the tensors. */
export interface LoadedMemoryFixture<StateName extends string> {
  readonly controls: tf.Tensor3D;
  readonly initialState: Record<StateName, tf.Tensor>;
  readonly lossWeights: tf.Tensor3D;
}

export function loadMemoryFixture<StateName extends string>(
  fixture: MemoryFixture<StateName>,
): LoadedMemoryFixture<StateName> {
  return {
    controls: decode(fixture.controls) as tf.Tensor3D,
    initialState: decodeAll(fixture.initialState),
    lossWeights: decode(fixture.lossWeights) as tf.Tensor3D,
  };
}

/** The result of unrolling a memory over a sequence of control vectors. */
export interface Unrolled<State> {
  /** `[steps, batchSize, readSize]` */
  readonly reads: tf.Tensor3D;
  readonly state: State;
}

/**
 * Writes then reads at every step, as a memory-augmented cell does.
 *
 * @param controls - `[steps, batchSize, controlSize]`.
 */
export function unrollMemory<Control extends NamedTensorTree, State extends NamedTensorTree>(
  memory: Memory<Control, State>,
  initialState: State,
  controls: tf.Tensor3D,
): Unrolled<State> {
  let state = initialState;
  const reads = (tf.unstack(controls) as tf.Tensor2D[]).map((flat) => {
    const control = memory.parseControl(flat);
    const read = memory.read(memory.write(state, control), control);
    state = read.state;
    return read.readVector;
  });
  return { reads: tf.stack(reads) as tf.Tensor3D, state };
}

/** The fixtures' loss, Σ_t Σ readVector_t ⊙ R_t. */
export function fixtureLoss(reads: tf.Tensor3D, lossWeights: tf.Tensor3D): tf.Scalar {
  return tf.sum(tf.mul(reads, lossWeights));
}

/** `expectClose` against nested arrays, shapes included. */
export function expectNear(
  actual: tf.Tensor,
  expected: tf.TensorLike,
  tolerance: Tolerance,
  label: string,
): void {
  tf.tidy(() => expectClose(actual, tf.tensor(expected), tolerance, label));
}
