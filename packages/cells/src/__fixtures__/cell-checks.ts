/**
 * Test-only checks shared by the recurrent cells' tests (not exported by the package): each runs
 * one kind of test of `docs/architecture.md` against a cell and a `LoadedCell`, whatever the
 * cell's weight names and state (`{h}` or `{h, c}`). `cell-suite.ts` runs them all for a cell.
 */
import type { Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { RecurrentDropoutWindow } from '../recurrent-dropout.js';
import {
  type CellFixture,
  decode,
  expectFinite,
  type LoadedCell,
  unroll,
  weightedSum,
} from './harness.js';
import {
  type CellState,
  gradientInputs,
  NO_MASKS,
  namedGradients,
  namedLoss,
  namedUnroll,
  type RecurrentCell,
} from './named-loss.js';
import type { Matrix } from './reference-cells.js';

/** `|actual − expected| ≤ atol + rtol · |expected|`, as `@bayesrnn/testing`'s `Tolerance`. */
interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/**
 * What the checks use of `@bayesrnn/testing`: the test file passes the module itself
 * (its namespace import, `testing`), because only test files may import the
 * test kit (`scripts/check-layers.mjs`) and this module is not one.
 */
export interface TestKit {
  readonly expectClose: (
    actual: tf.Tensor | number | ArrayLike<number>,
    expected: tf.Tensor | number | ArrayLike<number>,
    tolerance: Tolerance,
    label: string,
  ) => void;
  readonly expectGradientsMatch: (
    fn: (inputs: Readonly<Record<string, tf.Tensor>>) => tf.Scalar,
    inputs: Readonly<Record<string, tf.Tensor>>,
  ) => unknown;
  readonly countNewTensors: (fn: () => void) => Promise<number>;
  readonly TOLERANCES: { readonly reference: Tolerance };
}

/** Without masks, every state tensor at every step and the loss match the PyTorch fixture. */
export function expectMatchesFixture<Name extends string, State extends CellState>(
  kit: TestKit,
  cell: RecurrentCell<Name, State>,
  fixture: CellFixture<Name, string>,
  f: LoadedCell<Name, State>,
): void {
  tf.tidy(() => {
    const { outputs, states } = unroll(cell, f.weights, f.inputs, f.state, NO_MASKS);
    const tolerance = kit.TOLERANCES.reference;
    for (const name of Object.keys(f.state)) {
      const expected = fixture.outputs[name];
      if (!expected) throw new Error(`no fixture outputs for ${name}`);
      const got = name === 'h' ? outputs : tf.stack(states.map((s) => s[name] as tf.Tensor));
      kit.expectClose(got, decode(expected), tolerance, name);
    }
    kit.expectClose(weightedSum(outputs, f.lossWeights), fixture.loss, tolerance, 'loss');
  });
}

/**
 * `tf.grads` of a named-argument loss (e.g. `namedLoss` at `gradientInputs`) match `expected`
 * (a fixture's `gradients`) for every argument.
 */
export function expectGradientsClose(
  kit: TestKit,
  loss: (named: Record<string, tf.Tensor>) => tf.Scalar,
  inputs: Record<string, tf.Tensor>,
  expected: CellFixture<string, string>['gradients'],
): void {
  tf.tidy(() => {
    for (const [name, grad] of Object.entries(namedGradients(loss, inputs))) {
      const want = expected[name];
      if (!want) throw new Error(`no fixture gradient for ${name}`);
      kit.expectClose(grad, decode(want), kit.TOLERANCES.reference, `d loss/d ${name}`);
    }
  });
}

/** Analytic gradients w.r.t. weights, inputs and initial state match finite differences. */
export function expectFiniteDifferenceGradients<Name extends string, State extends CellState>(
  kit: TestKit,
  cell: RecurrentCell<Name, State>,
  f: LoadedCell<Name, State>,
  window: RecurrentDropoutWindow,
): void {
  kit.expectGradientsMatch(namedLoss(cell, f, window), gradientInputs(f));
}

/**
 * Weights ×1e3 (pre-activations ~ ±1e3, saturated gates): outputs stay in [−1, 1], and the
 * outputs, every other state tensor and the gradients of the loss (plus `Σ` of the last state's
 * other tensors, e.g. the LSTM's `c`) w.r.t. weights, inputs and initial state are finite.
 */
export function expectSaturatedFinite<Name extends string, State extends CellState>(
  cell: RecurrentCell<Name, State>,
  f: LoadedCell<Name, State>,
  window: RecurrentDropoutWindow,
): void {
  tf.tidy(() => {
    const weights = Object.entries(f.weights as Record<string, tf.Tensor>);
    const big = Object.fromEntries(weights.map(([name, w]) => [name, tf.mul(w, 1e3)]));
    const saturated = { ...f, weights: big as Weights<Name> };
    const others = Object.keys(f.state).filter((name) => name !== 'h');
    const run = namedUnroll(cell, f, window);
    const loss = (named: Record<string, tf.Tensor>) => {
      const { outputs, states } = run(named);
      const last = states[states.length - 1];
      const extra = others.map((name) => tf.sum(last?.[name] ?? tf.scalar(Number.NaN)));
      return tf.addN([weightedSum(outputs, f.lossWeights), ...extra]) as tf.Scalar;
    };
    const grads = namedGradients(loss, gradientInputs(saturated));
    const { outputs, states } = unroll(cell, saturated.weights, f.inputs, f.state, window);
    expect(tf.max(tf.abs(outputs)).dataSync()[0]).toBeLessThanOrEqual(1);
    const finite: Record<string, tf.Tensor> = { outputs };
    for (const name of others) finite[name] = tf.stack(states.map((s) => s[name] as tf.Tensor));
    for (const [name, grad] of Object.entries(grads)) finite[`d${name}`] = grad;
    expectFinite(finite);
  });
}

/** A float64 JS reference of one step on plain arrays, e.g. `referenceLstmStep` with masks. */
export type ReferenceStep = (x: Matrix, state: Record<string, Matrix>) => Record<string, Matrix>;

/**
 * Steps `cell` through the fixture's inputs under `window` and checks every state tensor and
 * the output (`h`) against `referenceStep` after every step. Leaves no tensors behind.
 */
export function expectStepsMatchReference<Name extends string, State extends CellState>(
  kit: TestKit,
  cell: RecurrentCell<Name, State>,
  f: LoadedCell<Name, State>,
  window: RecurrentDropoutWindow,
  referenceStep: ReferenceStep,
): void {
  const names = Object.keys(f.state);
  const arrays = (state: State) => Object.fromEntries(names.map((n) => [n, state[n]?.arraySync()]));
  let expected = arrays(f.state) as Record<string, Matrix>;
  let state = Object.fromEntries(names.map((n) => [n, f.state[n]?.clone()])) as State;
  for (const x of tf.unstack(f.inputs) as tf.Tensor2D[]) {
    expected = referenceStep(x.arraySync(), expected);
    const next = cell.step(f.weights, x, state, window);
    for (const name of names) {
      kit.expectClose(
        next.state[name] as tf.Tensor,
        expected[name]?.flat() ?? [],
        kit.TOLERANCES.reference,
        name,
      );
    }
    kit.expectClose(next.output, expected.h?.flat() ?? [], kit.TOLERANCES.reference, 'output');
    tf.dispose([x, ...Object.values(state), next.output]);
    state = next.state;
  }
  tf.dispose(Object.values(state));
}

/**
 * A step leaves exactly its output and the new state's tensors (so none when the caller
 * disposes them), each state tensor `[batchSize, hiddenSize]`.
 */
export async function expectStepLeavesOnlyItsResult<Name extends string, State extends CellState>(
  kit: TestKit,
  cell: RecurrentCell<Name, State>,
  f: LoadedCell<Name, State>,
  window: RecurrentDropoutWindow,
): Promise<void> {
  const [, batchSize = 0] = f.inputs.shape;
  const x = tf.ones([batchSize, cell.inputSize]) as tf.Tensor2D;
  const made = await kit.countNewTensors(() => {
    const { output, state } = cell.step(f.weights, x, f.state, window);
    expect(state.h.shape).toEqual([batchSize, cell.outputSize]);
    tf.dispose([output, ...Object.values(state)]);
  });
  expect(made).toBe(0);
  const left = await kit.countNewTensors(() => void cell.step(f.weights, x, f.state, window));
  expect(left).toBe(1 + Object.keys(f.state).length);
  x.dispose();
}
