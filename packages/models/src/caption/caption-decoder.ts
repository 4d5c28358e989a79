import { dropoutMask, wordTypeDropoutMask } from '@bayesrnn/cells';
import { assertKey, createKey, splitKey, tidyTree, uniform, zeros } from '@bayesrnn/core';
import type { NamedTensorTree, RngKey, WeightSpecs, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { type AnyCell, createModelCell, runCell } from '../model-cell.js';
import { prefixedWeightSpecs, prefixedWeights, requireWeight } from '../model-weights.js';
import { type CaptionBatch, checkCaptionBatch } from './caption-batch.js';
import { type CaptionDecoderConfig, validateCaptionDecoderConfig } from './caption-config.js';

/** How one teacher-forced batch is run. */
export interface CaptionLogitsOptions {
  /** Key of every dropout mask of the batch: same key, same masks. */
  readonly key: RngKey;
  /** Draw dropout masks: training, or an MC-dropout evaluation pass. */
  readonly training: boolean;
}

/** One decoding step's result: scores of the next word and the cell's new state. */
export interface CaptionStep {
  /** `[rows, vocabSize]` */
  readonly logits: tf.Tensor2D;
  readonly state: NamedTensorTree;
}

/**
 * A Show-and-Tell caption decoder (Vinyals et al. 2015). It owns no weights: `weightSpecs`
 * declares `image/kernel` `[D, E]` and `image/bias` `[E]` (when `D > 0`), `embedding` `[V, E]`,
 * `rnn/<cell weight>`, `output/kernel` `[H, V]` (H the cell's `outputSize`) and `output/bias` `[V]`, so point weights,
 * posterior draws and SG-MCMC samples all run through it. With `f` an image's feature and
 * `w_0 = <bos>`, `w_1 … w_n` its caption and `w_{n+1} = <eos>`:
 *
 * ```
 * x_{−1} = W_img f + b_img;   h_{−1} = cell(x_{−1}, 0)        (skipped when D = 0: h_{−1} = 0)
 * h_t = cell(E[w_t], h_{t−1}),   p(w_{t+1} | w_{≤t}, f) = softmax(W_out h_t + b_out)   t = 0 … n
 * ```
 */
export interface CaptionDecoder {
  readonly config: CaptionDecoderConfig;
  readonly cell: AnyCell;
  readonly weightSpecs: WeightSpecs;
  /**
   * Teacher forcing: the scores of every target of a batch, `[rows, steps, vocabSize]`. Steps
   * after a caption's length read padding and are the caller's to mask; the cell is causal, so
   * they never change the scores before them. With `training`, dropout as the config says. The
   * result is the caller's.
   */
  logits(weights: Weights, batch: CaptionBatch, options: CaptionLogitsOptions): tf.Tensor3D;
  /**
   * The state after the image step, `features` `[rows, D]` (ignored, and may be empty, when
   * `D = 0`: the cell's zero state). Dropout off. The result is the caller's.
   */
  begin(weights: Weights, features: tf.Tensor2D, rows: number): NamedTensorTree;
  /** One decoding step from `state`, reading the words `tokens` `[rows]` (int32). Dropout off. */
  step(weights: Weights, tokens: tf.Tensor1D, state: NamedTensorTree): CaptionStep;
}

/** Errors name the model: `caption decoder: missing weight 'output/bias'`. */
const WHO = 'caption decoder';

/** The cell's weights live under `rnn/`. */
const RNN = 'rnn';

/** Makes a decoder from a config (validated: a bad option is a clear `RangeError`). */
export function createCaptionDecoder(config: CaptionDecoderConfig): CaptionDecoder {
  validateCaptionDecoderConfig(config);
  const cell = createModelCell(
    { ...config, inputSize: config.embeddingSize },
    'CaptionDecoderConfig.cell',
  );
  const init = uniform(config.initScale);
  const image =
    config.featureSize > 0
      ? {
          'image/kernel': { shape: [config.featureSize, config.embeddingSize], init },
          'image/bias': { shape: [config.embeddingSize], init: zeros() },
        }
      : {};
  const weightSpecs: WeightSpecs = {
    ...image,
    embedding: { shape: [config.vocabSize, config.embeddingSize], init },
    ...prefixedWeightSpecs(cell, RNN),
    'output/kernel': { shape: [cell.outputSize, config.vocabSize], init },
    'output/bias': { shape: [config.vocabSize], init: zeros() },
  };
  const model: CaptionDecoder = {
    config,
    cell,
    weightSpecs,
    logits(weights, batch, options) {
      assertKey(options.key, `${WHO}.logits`);
      checkCaptionBatch(batch, config, `${WHO}.logits`);
      return tf.tidy(() => teacherForced(model, weights, batch, options));
    },
    begin(weights, features, rows) {
      const [featureRows, width] = features.shape;
      if (config.featureSize > 0 && (featureRows !== rows || width !== config.featureSize)) {
        throw new RangeError(
          `${WHO}.begin: features must be [${rows}, ${config.featureSize}], got [${features.shape.join(', ')}]`,
        );
      }
      return tidyTree(() => {
        const initial = cell.initialState(rows);
        if (config.featureSize === 0) return initial;
        const projected = projectImage(weights, features);
        return runStep(model, weights, projected, initial).state;
      });
    },
    step(weights, tokens, state) {
      return tidyTree(() => {
        const embedded = tf.gather(requireWeight(weights, 'embedding', WHO), tokens) as tf.Tensor2D;
        const result = runStep(model, weights, embedded, state);
        return { logits: scores(weights, result.output), state: result.state };
      });
    },
  };
  return model;
}

/** `x_{−1} = W_img f + b_img`, `[rows, E]`. */
function projectImage(weights: Weights, features: tf.Tensor2D): tf.Tensor2D {
  return tf.fused.matMul({
    a: features,
    b: requireWeight(weights, 'image/kernel', WHO) as tf.Tensor2D,
    bias: requireWeight(weights, 'image/bias', WHO),
  }) as tf.Tensor2D;
}

/** `W_out h + b_out` over the last axis: `[rows, H]` → `[rows, V]`. */
function scores(weights: Weights, outputs: tf.Tensor2D): tf.Tensor2D {
  return tf.fused.matMul({
    a: outputs,
    b: requireWeight(weights, 'output/kernel', WHO) as tf.Tensor2D,
    bias: requireWeight(weights, 'output/bias', WHO),
  }) as tf.Tensor2D;
}

/** One cell step with dropout off (decoding). */
function runStep(
  model: CaptionDecoder,
  weights: Weights,
  input: tf.Tensor2D,
  state: NamedTensorTree,
): { output: tf.Tensor2D; state: NamedTensorTree } {
  const rows = input.shape[0];
  const window = model.cell.startWindow({ key: createKey(0), batchSize: rows, training: false });
  return model.cell.step(prefixedWeights(model.cell, RNN, weights, WHO), input, state, window);
}

/** The masks of one training batch: on the cell's inputs and on its outputs. */
function inputAndOutputMasks(
  model: CaptionDecoder,
  batch: CaptionBatch,
  keys: { readonly input: RngKey; readonly output: RngKey },
  inputSteps: number,
): { words?: tf.Tensor; inputs?: tf.Tensor; outputs?: tf.Tensor } {
  const { dropout, embeddingSize } = model.config;
  const { outputSize } = model.cell;
  const { rows, steps } = batch;
  if (dropout.method === 'naive') {
    return {
      inputs: dropoutMask(keys.input, [rows, inputSteps, embeddingSize], dropout.rate),
      outputs: dropoutMask(keys.output, [rows, steps, outputSize], dropout.rate),
    };
  }
  if (dropout.method === 'variational') {
    return {
      // Gal: whole word types per caption, [rows, steps, 1]; one output mask per caption.
      words: wordTypeDropoutMask(keys.input, batch.inputs, dropout.embedding, rows),
      outputs: dropoutMask(keys.output, [rows, 1, outputSize], dropout.output),
    };
  }
  return {};
}

/** `logits` inside its `tf.tidy`. */
function teacherForced(
  model: CaptionDecoder,
  weights: Weights,
  batch: CaptionBatch,
  options: CaptionLogitsOptions,
): tf.Tensor3D {
  const { config, cell } = model;
  const { rows, steps } = batch;
  const [inputKey, outputKey, cellKey] = splitKey(options.key, 3) as [RngKey, RngKey, RngKey];
  const withImage = config.featureSize > 0;
  const masks = options.training
    ? inputAndOutputMasks(
        model,
        batch,
        { input: inputKey, output: outputKey },
        steps + (withImage ? 1 : 0),
      )
    : {};
  const ids = tf.tensor2d(batch.inputs, [rows, steps], 'int32');
  let inputs = tf.gather(requireWeight(weights, 'embedding', WHO), ids) as tf.Tensor3D;
  if (masks.words !== undefined) inputs = tf.mul(inputs, masks.words);
  if (withImage) {
    const features = tf.tensor2d(batch.features, [rows, config.featureSize]);
    const image = tf.expandDims(projectImage(weights, features), 1) as tf.Tensor3D;
    // The image is the first step of the same window: one run, one set of cell masks.
    inputs = tf.concat([image, inputs], 1);
  }
  if (masks.inputs !== undefined) inputs = tf.mul(inputs, masks.inputs);
  const window = cell.startWindow({ key: cellKey, batchSize: rows, training: options.training });
  const run = runCell(
    cell,
    prefixedWeights(cell, RNN, weights, WHO),
    inputs,
    cell.initialState(rows),
    window,
  );
  let outputs = withImage
    ? (tf.slice(run.outputs, [0, 1, 0], [rows, steps, cell.outputSize]) as tf.Tensor3D)
    : run.outputs;
  if (masks.outputs !== undefined) outputs = tf.mul(outputs, masks.outputs);
  const flat = scores(weights, tf.reshape(outputs, [rows * steps, cell.outputSize]));
  return tf.reshape(flat, [rows, steps, config.vocabSize]);
}
