import { wordTypeDropoutMask } from '@bayesrnn/cells';
import { matMulBias, tidyTree, uniform, zeros } from '@bayesrnn/core';
import type { NamedTensorTree, WeightSpecs, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import {
  type AnyCell,
  createLayerCells,
  layerWeightSpecs,
  layerWeights,
  topOutputSize,
} from './layer-cells.js';
import { type LanguageModelConfig, validateLanguageModelConfig } from './lm-config.js';
import { type LmWindow, type LmWindowOptions, startLmWindow } from './lm-window.js';
import { runCell } from './model-cell.js';
import { requireWeight } from './model-weights.js';

/** The recurrent state of every layer, bottom first. */
export interface LmState extends NamedTensorTree {
  readonly layers: readonly NamedTensorTree[];
}

/** One window's output. */
export interface LmForward {
  /** `[batchSize * steps, vocabSize]`, row `b * steps + t`. */
  readonly logits: tf.Tensor2D;
  readonly state: LmState;
}

/**
 * A stacked-RNN language model (Zaremba et al. 2014): embedding → cells → dropout → softmax.
 * It owns no weights: `weightSpecs` declares `embedding`, `layers/<l>/<cell weight>` and (untied)
 * `softmax/kernel`, plus `softmax/bias`, and `forward` takes them, so point weights, posterior
 * draws and MCMC samples all run through the same code.
 */
export interface LanguageModel {
  readonly config: LanguageModelConfig;
  readonly cells: readonly AnyCell[];
  readonly weightSpecs: WeightSpecs;
  initialState(batchSize: number): LmState;
  startWindow(options: LmWindowOptions): LmWindow;
  /**
   * Runs a window. `inputs` is `[batchSize, steps]` int32 token ids. The input projection of
   * the embedding and the softmax run once for the whole window; only the cells step in time.
   */
  forward(weights: Weights, inputs: tf.Tensor2D, state: LmState, window: LmWindow): LmForward;
}

/** Makes a language model from a config (validated: a bad option is a clear `RangeError`). */
export function createLanguageModel(config: LanguageModelConfig): LanguageModel {
  validateLanguageModelConfig(config);
  const cells = createLayerCells(config);
  const outputSize = topOutputSize(cells);
  if (config.tiedEmbeddings && outputSize !== config.embeddingSize) {
    throw new RangeError(
      `LanguageModelConfig.tiedEmbeddings needs the top cell's output width (${outputSize}) = embeddingSize (${config.embeddingSize})`,
    );
  }
  const init = uniform(config.initScale);
  const weightSpecs: WeightSpecs = {
    embedding: { shape: [config.vocabSize, config.embeddingSize], init },
    ...layerWeightSpecs(cells),
    ...(config.tiedEmbeddings
      ? {}
      : { 'softmax/kernel': { shape: [outputSize, config.vocabSize], init } }),
    'softmax/bias': { shape: [config.vocabSize], init: zeros() },
  };
  return {
    config,
    cells,
    weightSpecs,
    initialState: (batchSize) => ({ layers: cells.map((cell) => cell.initialState(batchSize)) }),
    startWindow: (options) => startLmWindow(config, cells, options),
    forward: (weights, inputs, state, window) =>
      tidyTree(() => forwardWindow(config, cells, weights, inputs, state, window)),
  };
}

/** Errors name the model: `language model: missing weight 'softmax/bias'`. */
const WHO = 'language model';

function forwardWindow(
  config: LanguageModelConfig,
  cells: readonly AnyCell[],
  weights: Weights,
  inputs: tf.Tensor2D,
  state: LmState,
  window: LmWindow,
): LmForward {
  const [batchSize, steps] = inputs.shape;
  const embedding = requireWeight(weights, 'embedding', WHO);
  // The word-type mask reads the ids on the host, so it is made before the lookup: a GPU
  // backend (webgpu) moves them to the device at their first use, and in Node it cannot read
  // them back synchronously.
  const typeMask =
    window.embeddingKey !== undefined && window.embeddingRate > 0
      ? wordTypeDropoutMask(window.embeddingKey, inputs, window.embeddingRate)
      : undefined;
  // Embedding lookup for the whole window: [batchSize, steps, embeddingSize].
  const embedded = tf.gather(embedding, inputs) as tf.Tensor3D;
  let layerInput = typeMask === undefined ? embedded : (tf.mul(embedded, typeMask) as tf.Tensor3D);
  const layerStates: NamedTensorTree[] = [];
  cells.forEach((cell, layer) => {
    const mask = window.layerInputMasks[layer];
    const x = mask === undefined ? layerInput : (tf.mul(layerInput, mask) as tf.Tensor3D);
    const result = runCell(
      cell,
      layerWeights(cell, layer, weights),
      x,
      state.layers[layer] ?? cell.initialState(batchSize),
      window.cells[layer],
    );
    layerStates.push(result.state);
    layerInput = result.outputs;
  });
  const top = window.outputMask === undefined ? layerInput : tf.mul(layerInput, window.outputMask);
  // One softmax matmul for all batchSize × steps positions, the bias fused into it (on wasm,
  // added as the product is stored: no pass of its own over the [B · T, vocabSize] logits);
  // differentiated per operand, so a pass that needs no softmax-kernel gradient skips it.
  const flat = tf.reshape(top, [batchSize * steps, topOutputSize(cells)]) as tf.Tensor2D;
  const softmaxKernel = config.tiedEmbeddings
    ? embedding
    : requireWeight(weights, 'softmax/kernel', WHO);
  const bias = requireWeight(weights, 'softmax/bias', WHO) as tf.Tensor1D;
  const logits = matMulBias(flat, softmaxKernel as tf.Tensor2D, bias, {
    transposeB: config.tiedEmbeddings,
  });
  return { logits, state: { layers: layerStates } };
}
