import { createGruCell, createLstmCell, createVanillaRnnCell } from '@bayesrnn/cells';
import { uniform } from '@bayesrnn/core';
import type { Cell, NamedTensorTree, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import type { LmCellType, LmDropoutConfig } from './lm-config.js';

/** A cell whose weight names, state and window the model treats generically. */
export type AnyCell = Cell<string, NamedTensorTree, unknown>;

/** What a model tells the cell factory: the cell type, its sizes, initialisation and dropout. */
export interface ModelCellOptions {
  readonly cell: LmCellType;
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** Every weight starts in U[−initScale, initScale]. */
  readonly initScale: number;
  /** Added to the LSTM's initial forget-gate bias (ignored by GRU and vanilla cells). */
  readonly forgetBias: number;
  /** The model's dropout: only `variational` reaches the cell (its tied input/recurrent masks). */
  readonly dropout: LmDropoutConfig;
}

/**
 * One recurrent cell of a model (the language model's layers, the classifier's directions).
 * Variational dropout (Gal & Ghahramani 2016, §3.1) is the cell's own: its `input` and
 * `recurrent` rates and `tied` go into the cell config, so `startWindow` draws `z_x`, `z_h`
 * once per window. Naive dropout lives outside the cell, on the model's non-recurrent tensors.
 */
export function createModelCell(options: ModelCellOptions): AnyCell {
  const { dropout } = options;
  const variational =
    dropout.method === 'variational'
      ? { dropout: { input: dropout.input, recurrent: dropout.recurrent, tied: dropout.tied } }
      : {};
  const common = {
    inputSize: options.inputSize,
    hiddenSize: options.hiddenSize,
    init: uniform(options.initScale),
    ...variational,
  };
  if (options.cell === 'lstm') {
    return createLstmCell({ ...common, forgetBias: options.forgetBias }) as unknown as AnyCell;
  }
  if (options.cell === 'gru') return createGruCell(common) as unknown as AnyCell;
  return createVanillaRnnCell(common) as unknown as AnyCell;
}

/**
 * Runs one cell through a window: `[batchSize, steps, inputSize]` → `[batchSize, steps,
 * hiddenSize]` and the last state, by the cell's whole-window fast path when it has one, else
 * step by step.
 */
export function runCell(
  cell: AnyCell,
  weights: Weights,
  inputs: tf.Tensor3D,
  initial: NamedTensorTree,
  window: unknown,
): { outputs: tf.Tensor3D; state: NamedTensorTree } {
  if (cell.runWindow !== undefined) return cell.runWindow(weights, inputs, initial, window);
  let state = initial;
  const outputs: tf.Tensor2D[] = [];
  for (const input of tf.unstack(inputs, 1)) {
    const result = cell.step(weights, input as tf.Tensor2D, state, window);
    outputs.push(result.output);
    state = result.state;
  }
  return { outputs: tf.stack(outputs, 1) as tf.Tensor3D, state };
}
