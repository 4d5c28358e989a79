import { assertKey, checkInRange, checkPositiveInteger, foldIn } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { type BinaryAlphabet, DEFAULT_FLIP_PROBABILITY, writeExemplar } from './binary-alphabet.js';
import { hostUniforms, type RngKey, uniformIndex } from './host-uniforms.js';
import { planRecallSequence, RECALL_TASKS, type RecallTask } from './recall-sequences.js';

/** What {@link makeRecallBatch} makes: which task, from which alphabet, how much. */
export interface RecallBatchConfig {
  /** The task (Gemici et al. 2017, Appendix D, Alg. 1–4); see {@link RecallTask}. */
  readonly task: RecallTask;
  /** The symbols the frames show, from `createBinaryAlphabet`. */
  readonly alphabet: BinaryAlphabet;
  /** Sequences per batch (32, papers.md §4.8). */
  readonly batchSize: number;
  /** `l`, the pre-recall steps of uniform random symbols (10, papers.md §4.8). */
  readonly preRecall: number;
  /** `k`, the recall steps appended after them (3, papers.md §4.8). */
  readonly recall: number;
  /** Per-pixel flip probability of every fresh exemplar (0.1, papers.md §4.8). */
  readonly flipProbability: number;
  /**
   * Whether recalled frames of the copying tasks (perfect recall, dynamic dependency,
   * similarity-cued recall) show a fresh exemplar of the recalled symbol (`true`) instead of
   * the very image recalled (`false`, the default). The paper repeats images "verbatim"
   * (papers.md §4.5), so a model with memory can predict a recall frame exactly and its KL
   * can fall to 0; with fresh exemplars only the symbol is predictable, as in parity recall.
   * Parity recall ignores it: its frames are always fresh exemplars of "0" or "1".
   */
  readonly freshRecallExemplars: boolean;
}

/** The defaults of the optional {@link RecallBatchConfig} options: papers.md §4.8's setting. */
export const DEFAULT_RECALL_BATCH_CONFIG: Omit<RecallBatchConfig, 'task' | 'alphabet'> =
  Object.freeze({
    batchSize: 32,
    preRecall: 10,
    recall: 3,
    flipProbability: DEFAULT_FLIP_PROBABILITY,
    freshRecallExemplars: false,
  });

/** The options of {@link makeRecallBatch}: `task` and `alphabet`, the rest optional. */
export type RecallBatchOptions = Pick<RecallBatchConfig, 'task' | 'alphabet'> &
  Partial<Omit<RecallBatchConfig, 'task' | 'alphabet'>>;

/**
 * One batch of recall sequences, `sequenceLength = preRecall + recall` steps each. The caller
 * owns (and disposes) the three tensors.
 */
export interface RecallBatch {
  /** The frames, `[batchSize, sequenceLength, frameSize]` float32, pixels 0 or 1. */
  readonly frames: tf.Tensor3D;
  /** The symbol each frame shows, `[batchSize, sequenceLength]` int32 in `[0, symbols)`. */
  readonly labels: tf.Tensor2D;
  /** 1 on the `recall` last steps, 0 on the pre-recall ones, `[batchSize, sequenceLength]` float32. */
  readonly recallMask: tf.Tensor2D;
}

/**
 * A batch of one of the sequence tasks of Gemici et al. 2017, Appendix D (papers.md §4.5;
 * Alg. 1 perfect recall, Alg. 2 parity recall, Alg. 3 dynamic dependency, Alg. 4
 * similarity-cued recall), on the binary alphabet of papers.md §4.8. Each sequence is `l =
 * preRecall` uniform random symbols, each shown as a fresh noisy exemplar, then `k = recall`
 * steps that the task's rule derives from them (see `planRecallSequence` for the rules, all
 * with 0-based steps and addresses). Recalled frames repeat the recalled image verbatim unless
 * `freshRecallExemplars`.
 *
 * Randomness, all from `key`: the labels from `foldIn(key, 'labels')`, the similarity-cued
 * start from `foldIn(key, 'start')`, the pixel noise from `foldIn(key, 'noise')`. So one key
 * gives the same pre-recall frames for every task and either exemplar choice, and the same
 * batch on every backend (the numbers are drawn on the host).
 *
 * @returns `frames [batchSize, l + k, frameSize]`, `labels [batchSize, l + k]`, `recallMask
 *   [batchSize, l + k]`; the caller owns them.
 * @throws RangeError naming the option for a bad option, e.g. `makeRecallBatch: preRecall
 *   must be at least symbols (10) for dynamic-dependency, got 5`.
 */
export function makeRecallBatch(key: RngKey, options: RecallBatchOptions): RecallBatch {
  assertKey(key, 'makeRecallBatch');
  const config = checkRecallBatchConfig({ ...DEFAULT_RECALL_BATCH_CONFIG, ...options });
  const { task, alphabet, batchSize, preRecall, recall, flipProbability } = config;
  const { symbols, frameSize } = alphabet;
  const steps = preRecall + recall;
  const labelDraws = hostUniforms(foldIn(key, 'labels'), batchSize * preRecall);
  const startDraws = hostUniforms(foldIn(key, 'start'), batchSize);
  const noiseDraws = hostUniforms(foldIn(key, 'noise'), batchSize * steps * frameSize);
  const frames = new Float32Array(batchSize * steps * frameSize);
  const labels = new Int32Array(batchSize * steps);
  const recallMask = new Float32Array(batchSize * steps);
  for (let row = 0; row < batchSize; row += 1) {
    // Pre-recall: l uniform symbols; then the task's recall rule (Alg. 1–4).
    const draws = labelDraws.subarray(row * preRecall, (row + 1) * preRecall);
    const preRecallLabels = Int32Array.from(draws, (draw) => uniformIndex(draw, symbols));
    const startDraw = startDraws[row] as number;
    const plan = planRecallSequence(
      task,
      preRecallLabels,
      recall,
      startDraw,
      config.freshRecallExemplars,
    );
    labels.set(plan.labels, row * steps);
    recallMask.fill(1, row * steps + preRecall, (row + 1) * steps);
    // Frames: a verbatim copy of the source frame, or a fresh exemplar of the label.
    for (let step = 0; step < steps; step += 1) {
      const offset = (row * steps + step) * frameSize;
      const source = plan.sources[step] as number;
      if (source >= 0) {
        const from = (row * steps + source) * frameSize;
        frames.copyWithin(offset, from, from + frameSize);
      } else {
        const label = plan.labels[step] as number;
        writeExemplar(alphabet, label, flipProbability, noiseDraws, frames, offset);
      }
    }
  }
  return {
    frames: tf.tensor3d(frames, [batchSize, steps, frameSize], 'float32'),
    labels: tf.tensor2d(labels, [batchSize, steps], 'int32'),
    recallMask: tf.tensor2d(recallMask, [batchSize, steps], 'float32'),
  };
}

/** Checks every option, and the task's own constraints, with the option's name. */
function checkRecallBatchConfig(config: RecallBatchConfig): RecallBatchConfig {
  const where = 'makeRecallBatch:';
  const { task, alphabet } = config;
  if (!RECALL_TASKS.includes(task)) {
    const known = RECALL_TASKS.map((name) => `'${name}'`).join(', ');
    throw new RangeError(`${where} task must be one of ${known}, got ${String(task)}`);
  }
  checkAlphabet(alphabet);
  checkPositiveInteger(config.batchSize, `${where} batchSize`);
  const preRecall = checkPositiveInteger(config.preRecall, `${where} preRecall`);
  const recall = checkPositiveInteger(config.recall, `${where} recall`);
  checkInRange(config.flipProbability, 0, 1, `${where} flipProbability`);
  if (typeof config.freshRecallExemplars !== 'boolean') {
    throw new TypeError(
      `${where} freshRecallExemplars must be a boolean, got ${String(config.freshRecallExemplars)}`,
    );
  }
  const symbols = alphabet.symbols;
  if ((task === 'perfect-recall' || task === 'parity-recall') && recall > preRecall) {
    throw new RangeError(
      `${where} recall must be at most preRecall (${preRecall}) for ${task}, got ${recall}`,
    );
  }
  if (task === 'parity-recall' && symbols < 2) {
    throw new RangeError(
      `${where} alphabet.symbols must be at least 2 for parity-recall (symbols 0 and 1 show the parity), got ${symbols}`,
    );
  }
  if (task === 'dynamic-dependency' && preRecall < symbols) {
    throw new RangeError(
      `${where} preRecall must be at least symbols (${symbols}) for dynamic-dependency, got ${preRecall}`,
    );
  }
  if (task === 'similarity-cued-recall' && recall >= preRecall) {
    throw new RangeError(
      `${where} recall must be less than preRecall (${preRecall}) for similarity-cued-recall ` +
        `(start r ~ U[1, preRecall − recall]), got ${recall}`,
    );
  }
  return config;
}

function checkAlphabet(alphabet: BinaryAlphabet): void {
  const valid =
    typeof alphabet === 'object' &&
    alphabet !== null &&
    Number.isInteger(alphabet.symbols) &&
    alphabet.symbols > 0 &&
    Number.isInteger(alphabet.frameSize) &&
    alphabet.frameSize > 0 &&
    alphabet.prototypes instanceof Float32Array &&
    alphabet.prototypes.length === alphabet.symbols * alphabet.frameSize;
  if (!valid) {
    throw new TypeError(
      'makeRecallBatch: alphabet must be a BinaryAlphabet from createBinaryAlphabet ' +
        '(prototypes a Float32Array of symbols · frameSize pixels)',
    );
  }
}
