import { createGruCell, createLstmCell, createVanillaRnnCell } from '@bayesrnn/cells';
import { uniform } from '@bayesrnn/core';
import type { Cell, NamedTensorTree, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import type { LmCellType, LmDropoutConfig } from './lm-config.js';

/** A cell whose weight names, state and window the model treats generically. */
export type AnyCell = Cell<string, NamedTensorTree, unknown>;

/** What a model tells a cell factory: the cell's sizes, initialisation and the model's dropout. */
export interface CellFactoryOptions {
  /** Columns of each step's input (the embedding, or the layer below). */
  readonly inputSize: number;
  /**
   * The model's `hiddenSize`: the built-in cells' state and output width. Your cell may output
   * another width (SAB's `[h; s]` is twice it): the model reads the cell's `outputSize`.
   */
  readonly hiddenSize: number;
  /** The model's initial scale: its other weights start in U[−initScale, initScale]. */
  readonly initScale: number;
  /** Added to the LSTM's initial forget-gate bias (the built-in GRU and vanilla cells ignore it). */
  readonly forgetBias: number;
  /**
   * The model's dropout. Only `variational`'s `input`, `recurrent` and `tied` are the cell's
   * job (its masks fixed per window, drawn in `startWindow`); the model applies the rest.
   */
  readonly dropout: LmDropoutConfig;
}

/**
 * Your own recurrent cell for a model: called once per cell the model needs (once per layer of
 * a language model, layer l reading layer l − 1's `outputSize`; once for a classifier, whose
 * two directions share the cell and not the weights; once for a caption decoder). The cell must
 * read `[batchSize, inputSize]`, which the model checks; what follows it (the next layer, the
 * softmax, dropout masks) is sized by its `outputSize`. Any `Cell` of `@bayesrnn/spec` will do: a
 * cell of `@bayesrnn/cells`, `@bayesrnn/sab`'s `sab(cell, …)`, a memory-augmented cell, yours.
 */
export type CellFactory = (options: CellFactoryOptions) => Cell<string, NamedTensorTree, unknown>;

/** A model's recurrent cell: a built-in one by name, or a factory for any other. */
export type ModelCell = LmCellType | CellFactory;

/** What a model asks for: the cell (a name or a factory) and the options it is built with. */
export interface ModelCellOptions extends CellFactoryOptions {
  readonly cell: ModelCell;
}

/** The built-in cells: Gal's variational masks are the cell's, so `startWindow` draws them. */
function builtInCell(type: LmCellType, options: CellFactoryOptions): AnyCell {
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
  if (type === 'lstm') {
    return createLstmCell({ ...common, forgetBias: options.forgetBias }) as unknown as AnyCell;
  }
  if (type === 'gru') return createGruCell(common) as unknown as AnyCell;
  return createVanillaRnnCell(common) as unknown as AnyCell;
}

/**
 * One recurrent cell of a model (the language model's layers, the classifier's directions, the
 * caption decoder). A built-in cell carries variational dropout (Gal & Ghahramani 2016, §3.1)
 * itself: its `input` and `recurrent` rates and `tied` go into the cell config, so
 * `startWindow` draws `z_x`, `z_h` once per window. Naive dropout lives outside the cell, on
 * the model's non-recurrent tensors. A factory's cell must read the `inputSize` it was given.
 *
 * @param option - the config field, for errors: `LanguageModelConfig.cell`.
 * @throws {RangeError} when a factory's cell reads another width, or has no valid `outputSize`.
 */
export function createModelCell(options: ModelCellOptions, option = 'cell'): AnyCell {
  const { cell: type, inputSize, hiddenSize, initScale, forgetBias, dropout } = options;
  const rest: CellFactoryOptions = { inputSize, hiddenSize, initScale, forgetBias, dropout };
  if (typeof type !== 'function') return builtInCell(type, rest);
  const cell = type(rest) as AnyCell;
  if (cell.inputSize !== rest.inputSize) {
    throw new RangeError(
      `${option}: the factory's cell reads ${cell.inputSize} columns; the model feeds it ${rest.inputSize} (inputSize)`,
    );
  }
  if (!(Number.isInteger(cell.outputSize) && cell.outputSize > 0)) {
    throw new RangeError(
      `${option}: the factory's cell must have a positive integer outputSize, got ${cell.outputSize}`,
    );
  }
  return cell;
}

/**
 * Runs one cell through a window: `[batchSize, steps, inputSize]` → `[batchSize, steps,
 * outputSize]` and the last state, by the cell's whole-window fast path when it has one, else
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
