import type { Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import type { GruState, GruWeightName } from './gru-cell.js';
import { gruRecurrence } from './gru-recurrence.js';
import type { RecurrentDropoutWindow } from './recurrent-dropout.js';
import { tiedRecurrentInput, untiedRecurrentInput } from './recurrent-input.js';
import { gateWindowRows, projectRows, splitInputRows, windowRows } from './window-projection.js';

/** Masks per input when untied: r, z, n. */
const GATES = 3;

/** What `gruRecurrence` takes besides the state: the projections and the recurrent weights. */
interface GruWindowParts {
  /** `P^{rz}` `[B, T, 2H]` and `P^n` `[B, T, H]`. */
  readonly gatesProjected: tf.Tensor3D;
  readonly candidateProjected: tf.Tensor3D;
  /** `[W_h^{rz} | W_hn]`: `[H, 3H]` tied, `[3, H, H]` untied. */
  readonly kernel: tf.Tensor;
}

/**
 * A whole GRU window with the input projections off the per-step path. The gate kernel's rows
 * split into `W_x^{rz}` (the first `inputSize`) and `W_h^{rz}`, so
 *
 * ```
 * P^{rz} = (X ⊙ z_x) W_x^{rz} + b^{rz}     all steps at once: [B · T, in] × [in, 2H]
 * P^n    = (X ⊙ z_x) W_in + b_in           [B · T, in] × [in, H]
 * ```
 *
 * or, with untied masks (Gal & Ghahramani 2016, §3.1: one per gate r, z, n), one batched
 * product `[3, B · T, in] × [3, in, H]` of each gate's masked inputs by its block; then
 * `gruRecurrence` runs the steps. An empty window returns `undefined` (the scaffold steps).
 */
export function gruWindow(
  weights: Weights<GruWeightName>,
  inputs: tf.Tensor3D,
  { h }: GruState,
  window: RecurrentDropoutWindow,
): { outputs: tf.Tensor3D; state: GruState } | undefined {
  const { inputMask, recurrentMask } = window;
  if ((inputs.shape[1] ?? 0) === 0) return undefined;
  const untied = inputMask?.rank === 3 || recurrentMask?.rank === 3;
  const parts = (untied ? untiedParts : tiedParts)(weights, inputs, inputMask, sizesOf(inputs, h));
  const input = untied
    ? untiedRecurrentInput(recurrentMask, GATES)
    : tiedRecurrentInput(recurrentMask);
  return gruRecurrence(
    parts.gatesProjected,
    parts.candidateProjected,
    parts.kernel,
    weights.candidateRecurrentBias,
    h,
    input,
  );
}

/** A window's sizes. */
interface WindowSizes {
  readonly batchSize: number;
  readonly steps: number;
  readonly inputSize: number;
  readonly hiddenSize: number;
}

function sizesOf(inputs: tf.Tensor3D, h: tf.Tensor2D): WindowSizes {
  const [batchSize = 0, steps = 0, inputSize = 0] = inputs.shape;
  return { batchSize, steps, inputSize, hiddenSize: h.shape[1] ?? 0 };
}

/** How a window's projections and recurrent kernel are made: tied masks (or none), or untied. */
type PartsOf = (
  weights: Weights<GruWeightName>,
  inputs: tf.Tensor3D,
  mask: tf.Tensor | undefined,
  sizes: WindowSizes,
) => GruWindowParts;

/** Tied or no dropout: two projections, and `[W_h^{rz} | W_hn]` `[H, 3H]`. */
const tiedParts: PartsOf = (weights, inputs, mask, { batchSize, steps, inputSize, hiddenSize }) => {
  const [inputGateKernel, recurrentGateKernel] = splitInputRows(
    weights.gateKernel,
    inputSize,
    hiddenSize,
  );
  const rows = windowRows(inputs, mask);
  const project = (kernel: tf.Tensor, bias: tf.Tensor) =>
    projectRows(rows, kernel, bias, [batchSize, steps]);
  return {
    gatesProjected: project(inputGateKernel, weights.gateBias),
    candidateProjected: project(weights.candidateInputKernel, weights.candidateInputBias),
    kernel: tf.concat([recurrentGateKernel, weights.candidateRecurrentKernel], 1),
  };
};

/**
 * Untied: every gate's kernel block as `[3, rows, H]` (r and z are column blocks of the gate
 * kernel, n its own kernels), made once per window; the projections in one batched matmul.
 */
const untiedParts: PartsOf = (
  weights,
  inputs,
  mask,
  { batchSize, steps, inputSize, hiddenSize },
) => {
  // [in + H, 2H] → [2, in + H, H]: the r and z blocks, then each split into its x and h rows.
  const gateBlocks = tf.transpose(
    tf.reshape(weights.gateKernel, [inputSize + hiddenSize, 2, hiddenSize]),
    [1, 0, 2],
  );
  const [inputGates, recurrentGates] = tf.split(gateBlocks, [inputSize, hiddenSize], 1) as [
    tf.Tensor3D,
    tf.Tensor3D,
  ];
  const inputKernels = tf.concat([inputGates, tf.expandDims(weights.candidateInputKernel, 0)]);
  const biases = tf.concat([
    tf.reshape(weights.gateBias, [2, 1, hiddenSize]),
    tf.reshape(weights.candidateInputBias, [1, 1, hiddenSize]),
  ]);
  const projected = tf.add(
    tf.matMul(gateWindowRows(inputs, mask, GATES), inputKernels as tf.Tensor3D),
    biases,
  );
  // [3, B·T, H] → per gate [B, T, H]; r and z side by side as the tied P^{rz} is.
  const [r, z, n] = tf.unstack(tf.reshape(projected, [GATES, batchSize, steps, hiddenSize]));
  return {
    gatesProjected: tf.concat([r as tf.Tensor, z as tf.Tensor], 2) as tf.Tensor3D,
    candidateProjected: n as tf.Tensor3D,
    kernel: tf.concat([recurrentGates, tf.expandDims(weights.candidateRecurrentKernel, 0)]),
  };
};
