/**
 * Test-only helpers (not exported by the package): decoding and loading the JSON fixtures
 * written by `scripts/make-fixtures.py`, unrolling a cell over a window, and the fixture loss.
 */
import type { Cell, NamedTensorTree, Weights } from '@bayesrnn/spec';
import { decode, decodeAll, type EncodedTensor } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';

export { decode, decodeAll, type EncodedTensor };

/** A cell fixture as `scripts/make-fixtures.py` writes it (float64 PyTorch reference). */
export interface CellFixture<Name extends string, StateName extends string> {
  readonly sizes: { readonly batchSize: number; readonly inputSize: number };
  readonly weights: { readonly [K in Name]: EncodedTensor };
  /** `[steps, batchSize, inputSize]` */
  readonly inputs: EncodedTensor;
  readonly initialState: { readonly [K in StateName]: EncodedTensor };
  /** `R` of the fixture loss, `[steps, batchSize, hiddenSize]` */
  readonly lossWeights: EncodedTensor;
  /** Every state tensor at every step, `[steps, batchSize, hiddenSize]` each. */
  readonly outputs: { readonly [K in StateName]: EncodedTensor };
  /** d loss / d each weight, `inputs`, and each initial state tensor as `h0`, `c0`, ... */
  readonly gradients: { readonly [name: string]: EncodedTensor };
  readonly loss: number;
}

/** A fixture's tensors, decoded: what most cell tests start from. The caller owns them. */
export interface LoadedCell<Name extends string, State extends NamedTensorTree> {
  readonly weights: Weights<Name>;
  /** `[steps, batchSize, inputSize]` */
  readonly inputs: tf.Tensor;
  /** The initial state. */
  readonly state: State;
  /** `[steps, batchSize, hiddenSize]` */
  readonly lossWeights: tf.Tensor;
}

/** Decodes a fixture's weights, inputs, initial state and loss weights. */
export function loadCellFixture<Name extends string, StateName extends string>(
  fixture: CellFixture<Name, StateName>,
): LoadedCell<Name, Record<StateName, tf.Tensor2D>> {
  return {
    weights: decodeAll(fixture.weights),
    inputs: decode(fixture.inputs),
    state: decodeAll(fixture.initialState) as Record<StateName, tf.Tensor2D>,
    lossWeights: decode(fixture.lossWeights),
  };
}

/** Disposes every tensor of a `LoadedCell`. */
export function releaseCell(loaded: LoadedCell<string, Record<string, tf.Tensor>>): void {
  const { weights, inputs, state, lossWeights } = loaded;
  tf.dispose([...Object.values(weights), inputs, ...Object.values(state), lossWeights]);
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

/** The fixture loss of `cell` unrolled over `inputs` from `state`: `weightedSum` of its outputs. */
export function unrolledLoss<Name extends string, State extends NamedTensorTree, Window>(
  cell: Cell<Name, State, Window>,
  weights: Weights<Name>,
  inputs: tf.Tensor,
  state: State,
  window: Window,
  lossWeights: tf.Tensor,
): tf.Scalar {
  return weightedSum(unroll(cell, weights, inputs, state, window).outputs, lossWeights);
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
