import { dropoutMask, wordTypeDropoutMask } from '@bayesrnn/cells';
import { assertKey, splitKey, uniform, zeros } from '@bayesrnn/core';
import type { RngKey, WeightSpecs, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { type AnyCell, createModelCell, runCell } from '../model-cell.js';
import { prefixedWeightSpecs, prefixedWeights, requireWeight } from '../model-weights.js';
import { type ClassificationBatch, checkClassificationBatch } from './classification-batch.js';
import {
  type SentenceClassifierConfig,
  validateSentenceClassifierConfig,
} from './classifier-config.js';

/** A direction of the recurrent layer; also the prefix of its weights (`backward/kernel`). */
export type ClassifierDirection = 'forward' | 'backward';

/** How one batch is run. */
export interface ClassifierLogitsOptions {
  /** Key of every dropout mask of the batch (split per direction): same key, same masks. */
  readonly key: RngKey;
  /** Draw dropout masks: training, or an MC-dropout evaluation pass. */
  readonly training: boolean;
}

/**
 * A (bi)directional recurrent sentence classifier (Gan et al. 2017, Table 5; papers.md §2.6). It owns no weights:
 * `weightSpecs` declares `embedding` `[vocabSize, embeddingSize]`, `forward/<cell weight>`,
 * `backward/<cell weight>` (when bidirectional), `output/kernel` `[directions · outputSize,
 * classes]` and `output/bias` `[classes]`, so point weights, posterior draws and SG-MCMC samples
 * all run through `logits`.
 */
export interface SentenceClassifier {
  readonly config: SentenceClassifierConfig;
  /** The cell definition every direction runs, each with its own weights. */
  readonly cell: AnyCell;
  /** `['forward']` or `['forward', 'backward']`. */
  readonly directions: readonly ClassifierDirection[];
  /** Width of the features the softmax reads: `directions.length × ` the cell's `outputSize`. */
  readonly featureSize: number;
  readonly weightSpecs: WeightSpecs;
  /**
   * The class scores of every sentence of a batch, `[rows, classes]`. With `e_t` the embedded
   * word `t` of a sentence of length `n` and `h⁰ = c⁰ = 0` in both directions:
   *
   * ```
   * h→_t = cell→(e_t, h→_{t−1})          t = 0 … n − 1 (left to right)
   * h←_t = cell←(e_{n−1−t}, h←_{t−1})    t = 0 … n − 1 (the sentence reversed within its length)
   * φ = [h→_{n−1}; h←_{n−1}]             [rows, directions · outputSize]
   * logits = φ · W_out + b_out           [rows, classes];  p(y | x) = softmax(logits)
   * ```
   *
   * Padding after `n` never reaches these outputs, so a sentence's scores do not depend on the
   * batch's `steps` or on its other rows. With `training`, dropout as the config says: on `e`
   * (one mask shared by both directions), inside each direction's cell (variational: `z_x`,
   * `z_h` from the direction's own key) and on `φ`. The result is the caller's.
   */
  logits(
    weights: Weights,
    batch: ClassificationBatch,
    options: ClassifierLogitsOptions,
  ): tf.Tensor2D;
}

/** Errors name the model: `sentence classifier: missing weight 'output/bias'`. */
const WHO = 'sentence classifier';

/** Makes a classifier from a config (validated: a bad option is a clear `RangeError`). */
export function createSentenceClassifier(config: SentenceClassifierConfig): SentenceClassifier {
  validateSentenceClassifierConfig(config);
  const cell = createModelCell(
    { ...config, inputSize: config.embeddingSize },
    'SentenceClassifierConfig.cell',
  );
  const directions: readonly ClassifierDirection[] = config.bidirectional
    ? ['forward', 'backward']
    : ['forward'];
  const featureSize = directions.length * cell.outputSize;
  const init = uniform(config.initScale);
  const weightSpecs: WeightSpecs = Object.assign(
    { embedding: { shape: [config.vocabSize, config.embeddingSize], init } },
    ...directions.map((direction) => prefixedWeightSpecs(cell, direction)),
    {
      'output/kernel': { shape: [featureSize, config.classes], init },
      'output/bias': { shape: [config.classes], init: zeros() },
    },
  );
  const model: SentenceClassifier = {
    config,
    cell,
    directions,
    featureSize,
    weightSpecs,
    logits(weights, batch, options) {
      assertKey(options.key, `${WHO}.logits`);
      checkClassificationBatch(batch, config, `${WHO}.logits`);
      return tf.tidy(() => classify(model, weights, batch, options));
    },
  };
  return model;
}

/**
 * Flat row indices into `[rows · steps, size]`: `last` picks each sentence's step `n − 1`;
 * `reversed` reorders every row so that its first `n` steps are the sentence right to left and
 * the padding stays after them (`r·T + n − 1 − t` for `t < n`, `r·T + t` after).
 */
function sentencePositions(batch: ClassificationBatch): { last: Int32Array; reversed: Int32Array } {
  const { rows, steps, lengths } = batch;
  const last = new Int32Array(rows);
  const reversed = new Int32Array(rows * steps);
  for (let row = 0; row < rows; row += 1) {
    const length = lengths[row] ?? 1;
    last[row] = row * steps + length - 1;
    for (let step = 0; step < steps; step += 1) {
      reversed[row * steps + step] = row * steps + (step < length ? length - 1 - step : step);
    }
  }
  return { last, reversed };
}

/** Dropout outside the cells: rates on the embedding and the features, and the embedding's kind. */
interface OuterRates {
  readonly embedding: number;
  readonly features: number;
  /** Word-type masks (Gal) rather than per-unit, per-step masks (naive). */
  readonly perWord: boolean;
}

/** The rates of {@link OuterRates} while training; all 0 otherwise. */
function outerRates(model: SentenceClassifier, training: boolean): OuterRates {
  const dropout = model.config.dropout;
  if (!training || dropout.method === 'none') return { embedding: 0, features: 0, perWord: false };
  if (dropout.method === 'naive') {
    return { embedding: dropout.rate, features: dropout.rate, perWord: false };
  }
  return { embedding: dropout.embedding, features: dropout.output, perWord: true };
}

/** `logits` inside its `tf.tidy`. */
function classify(
  model: SentenceClassifier,
  weights: Weights,
  batch: ClassificationBatch,
  options: ClassifierLogitsOptions,
): tf.Tensor2D {
  const { config, cell, directions } = model;
  const { rows, steps } = batch;
  const [embeddingKey, featureKey, ...directionKeys] = splitKey(options.key, 2 + directions.length);
  const rates = outerRates(model, options.training);
  const ids = tf.tensor2d(batch.tokens, [rows, steps], 'int32');
  // Embedding lookup for the whole batch: [rows, steps, embeddingSize].
  let embedded = tf.gather(requireWeight(weights, 'embedding', WHO), ids) as tf.Tensor3D;
  if (rates.embedding > 0 && embeddingKey !== undefined) {
    // Gal: whole word types per sentence, [rows, steps, 1]; naive: every unit of every step.
    // One embedding layer: both directions read the same dropped embedding.
    const mask = rates.perWord
      ? wordTypeDropoutMask(embeddingKey, batch.tokens, rates.embedding, rows)
      : dropoutMask(embeddingKey, [rows, steps, config.embeddingSize], rates.embedding);
    embedded = tf.mul(embedded, mask);
  }
  const positions = sentencePositions(batch);
  const flatSize = [rows * steps, config.embeddingSize];
  const last = tf.tensor1d(positions.last, 'int32');
  const outputs = directions.map((direction, index) => {
    // One gather reverses every sentence within its own length.
    const inputs =
      direction === 'forward'
        ? embedded
        : (tf.reshape(
            tf.gather(tf.reshape(embedded, flatSize), tf.tensor1d(positions.reversed, 'int32')),
            [rows, steps, config.embeddingSize],
          ) as tf.Tensor3D);
    const window = cell.startWindow({
      key: directionKeys[index] ?? options.key,
      batchSize: rows,
      training: options.training,
    });
    const run = runCell(
      cell,
      prefixedWeights(cell, direction, weights, WHO),
      inputs,
      cell.initialState(rows),
      window,
    );
    // Each sentence's own last step, from the flattened [rows · steps, outputSize] outputs.
    return tf.gather(tf.reshape(run.outputs, [rows * steps, cell.outputSize]), last);
  });
  let features = (outputs.length === 1 ? outputs[0] : tf.concat(outputs, 1)) as tf.Tensor2D;
  if (rates.features > 0 && featureKey !== undefined) {
    features = tf.mul(features, dropoutMask(featureKey, [rows, model.featureSize], rates.features));
  }
  return tf.fused.matMul({
    a: features,
    b: requireWeight(weights, 'output/kernel', WHO) as tf.Tensor2D,
    bias: requireWeight(weights, 'output/bias', WHO),
  }) as tf.Tensor2D;
}
