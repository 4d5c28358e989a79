/**
 * Test-only: a cell's unrolled fixture loss as a function of named tensors (every weight,
 * `inputs`, and each initial state tensor as `h0`, `c0`, ...), the form `tf.grads` and the
 * finite-difference check of `@bayesrnn/testing` differentiate.
 */
import type { Cell, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import type { RecurrentDropoutWindow } from '../recurrent-dropout.js';
import { type LoadedCell, type Unrolled, unroll, weightedSum } from './harness.js';

/** A cell's state: named `[batchSize, hiddenSize]` tensors, the output `h` among them. */
export type CellState = { readonly h: tf.Tensor2D; readonly [name: string]: tf.Tensor2D };
/** A cell of this package, with its dropout window. */
export type RecurrentCell<Name extends string, State extends CellState> = Cell<
  Name,
  State,
  RecurrentDropoutWindow
>;

/** The window of a step without dropout. */
export const NO_MASKS: RecurrentDropoutWindow = {};

/**
 * The loss's arguments by name, in the fixture's gradient order: every weight, `inputs`, then
 * every initial state tensor as `h0`, `c0`, ...
 */
export function gradientInputs<Name extends string, State extends CellState>(
  f: LoadedCell<Name, State>,
): Record<string, tf.Tensor> {
  const initial = Object.entries(f.state).map(([name, tensor]) => [`${name}0`, tensor]);
  return { ...f.weights, inputs: f.inputs, ...Object.fromEntries(initial) };
}

/** `unroll` as a function of the named arguments of `gradientInputs`. */
export function namedUnroll<Name extends string, State extends CellState>(
  cell: RecurrentCell<Name, State>,
  f: LoadedCell<Name, State>,
  window: RecurrentDropoutWindow,
): (named: Record<string, tf.Tensor>) => Unrolled<State> {
  const pick = (names: readonly string[], suffix: string, named: Record<string, tf.Tensor>) =>
    Object.fromEntries(names.map((name) => [name, named[`${name}${suffix}`]]));
  return (named) =>
    unroll(
      cell,
      pick(Object.keys(f.weights), '', named) as Weights<Name>,
      named.inputs as tf.Tensor,
      pick(Object.keys(f.state), '0', named) as State,
      window,
    );
}

/** The fixture loss (`weightedSum` of the outputs) as a function of named arguments. */
export function namedLoss<Name extends string, State extends CellState>(
  cell: RecurrentCell<Name, State>,
  f: LoadedCell<Name, State>,
  window: RecurrentDropoutWindow,
): (named: Record<string, tf.Tensor>) => tf.Scalar {
  const run = namedUnroll(cell, f, window);
  return (named) => weightedSum(run(named).outputs, f.lossWeights);
}

/** `tf.grads` of a named-argument loss, by name. Call inside `tf.tidy`. */
export function namedGradients(
  loss: (named: Record<string, tf.Tensor>) => tf.Scalar,
  inputs: Record<string, tf.Tensor>,
): Record<string, tf.Tensor> {
  const names = Object.keys(inputs);
  const grads = tf.grads((...xs: tf.Tensor[]) =>
    loss(Object.fromEntries(names.map((name, k) => [name, xs[k] as tf.Tensor]))),
  )(Object.values(inputs));
  return Object.fromEntries(
    names.map((name, k) => {
      const grad = grads[k];
      if (!grad) throw new Error(`no gradient for ${name}`);
      return [name, grad];
    }),
  );
}
