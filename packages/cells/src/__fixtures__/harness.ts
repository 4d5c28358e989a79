/**
 * Test-only helpers (not exported by the package): decoding the JSON fixtures written by
 * `scripts/make-fixtures.py`, unrolling a cell over a window, and the fixture loss.
 */
import type { Cell, NamedTensorTree, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';

/** A tensor as the fixture script stores it: row-major numbers and a shape. */
export interface EncodedTensor {
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

/** A float32 tensor from an encoded fixture tensor. The caller owns it. */
export function decode(encoded: EncodedTensor): tf.Tensor {
  return tf.tensor([...encoded.data], [...encoded.shape], 'float32');
}

/** Decodes every entry of a record of encoded tensors. */
export function decodeAll<Name extends string>(
  record: { readonly [K in Name]: EncodedTensor },
): Record<Name, tf.Tensor> {
  const names = Object.keys(record) as Name[];
  return Object.fromEntries(names.map((name) => [name, decode(record[name])])) as Record<
    Name,
    tf.Tensor
  >;
}

/** What `unroll` returns: outputs stacked over steps and the state after every step. */
export interface Unrolled<State> {
  /** `[steps, batchSize, outputSize]` */
  readonly outputs: tf.Tensor3D;
  readonly states: readonly State[];
}

/**
 * Runs `cell` over `inputs` `[steps, batchSize, inputSize]` from `state` with one window.
 * Call inside `tf.tidy` (or a gradient function): intermediates are left to the caller's scope.
 */
export function unroll<Name extends string, State extends NamedTensorTree, Window>(
  cell: Cell<Name, State, Window>,
  weights: Weights<Name>,
  inputs: tf.Tensor,
  state: State,
  window: Window,
): Unrolled<State> {
  const outputs: tf.Tensor2D[] = [];
  const states: State[] = [];
  let current = state;
  for (const input of tf.unstack(inputs) as tf.Tensor2D[]) {
    const result = cell.step(weights, input, current, window);
    outputs.push(result.output);
    states.push(result.state);
    current = result.state;
  }
  return { outputs: tf.stack(outputs) as tf.Tensor3D, states };
}

/** The fixture loss `Σ_t Σ h_t ⊙ R_t` with `R` `[steps, batchSize, hiddenSize]`. */
export function weightedSum(outputs: tf.Tensor, lossWeights: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(outputs, lossWeights));
}

/** Throws unless every value of every tensor is finite (no NaN, no ±Infinity). */
export function expectFinite(tensors: Readonly<Record<string, tf.Tensor>>): void {
  for (const [name, tensor] of Object.entries(tensors)) {
    const values = tensor.dataSync();
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`${name}[${bad}] is ${values[bad]}`);
  }
}

/** A value of the wrong type passed where the types want another (to test runtime checks). */
export function mistyped<T>(value: unknown): T {
  return value as T;
}
