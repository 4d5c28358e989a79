import { assertKey, checkPositiveInteger } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { hostUniforms, type RngKey, uniformIndex } from './host-uniforms.js';

/** The copying problem's sizes (Hochreiter & Schmidhuber 1997; the SAB code, papers.md §5.4). */
export interface CopyTaskConfig {
  /** Sequences per batch. */
  readonly batchSize: number;
  /** S: symbols to remember, each drawn uniformly from `1 … symbols`. */
  readonly copyLength: number;
  /** T: the delay; T − 1 blanks follow the symbols, then the marker. */
  readonly delay: number;
  /** Distinct symbols (8 in the SAB code); the blank is 0 and the marker `symbols + 1`. */
  readonly symbols: number;
}

/** papers.md §5.6's small reproduction: 5 of 8 symbols, delay 20, batches of 32. */
export const DEFAULT_COPY_TASK_CONFIG: Readonly<CopyTaskConfig> = Object.freeze({
  batchSize: 32,
  copyLength: 5,
  delay: 20,
  symbols: 8,
});

/** One batch of the copying problem. The caller owns the tensors. */
export interface CopyBatch {
  /** Input token of every step, `[batchSize, sequenceLength]` int32, `sequenceLength = T + 2S`. */
  readonly inputs: tf.Tensor2D;
  /** Target token of every step, `[batchSize, sequenceLength]` int32: blank but for the last S. */
  readonly targets: tf.Tensor2D;
  /** 1 on the last S steps (the copy), 0 elsewhere, `[batchSize, sequenceLength]` float32. */
  readonly copyMask: tf.Tensor2D;
  /** Tokens in the vocabulary: blank, the symbols and the marker, `symbols + 2`. */
  readonly vocabularySize: number;
}

/**
 * A batch of the copying problem as the SAB code makes it (papers.md §5.4): S symbols from
 * `1 … symbols`, T − 1 blanks (0), the marker `symbols + 1`, then S blanks during which the
 * network must output the S symbols in order. Targets are blank everywhere else. Symbols come
 * from `key` on the host, so a key gives the same batch on every backend.
 *
 * @throws RangeError naming the option, e.g. `makeCopyBatch: delay must be a positive integer, got 0`.
 */
export function makeCopyBatch(key: RngKey, options: Partial<CopyTaskConfig> = {}): CopyBatch {
  assertKey(key, 'makeCopyBatch');
  const config = { ...DEFAULT_COPY_TASK_CONFIG, ...options };
  for (const option of ['batchSize', 'copyLength', 'delay', 'symbols'] as const) {
    checkPositiveInteger(config[option], `makeCopyBatch: ${option}`);
  }
  const { batchSize, copyLength, delay, symbols } = config;
  const length = delay + 2 * copyLength;
  const marker = symbols + 1;
  const draws = hostUniforms(key, batchSize * copyLength);
  const inputs = new Int32Array(batchSize * length);
  const targets = new Int32Array(batchSize * length);
  const copyMask = new Float32Array(batchSize * length);
  for (let row = 0; row < batchSize; row += 1) {
    const start = row * length;
    for (let i = 0; i < copyLength; i += 1) {
      const symbol = 1 + uniformIndex(draws[row * copyLength + i] as number, symbols);
      inputs[start + i] = symbol;
      targets[start + length - copyLength + i] = symbol;
    }
    inputs[start + copyLength + delay - 1] = marker;
    copyMask.fill(1, start + length - copyLength, start + length);
  }
  return {
    inputs: tf.tensor2d(inputs, [batchSize, length], 'int32'),
    targets: tf.tensor2d(targets, [batchSize, length], 'int32'),
    copyMask: tf.tensor2d(copyMask, [batchSize, length], 'float32'),
    vocabularySize: symbols + 2,
  };
}
