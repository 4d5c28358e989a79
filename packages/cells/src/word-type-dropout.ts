import { foldIn } from '@bayesrnn/core';
import type { RngKey } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { checkPositiveInteger, checkRate, formatShape } from './validate.js';

/** 2^32: turns a uint32 hash word into a uniform number in `[0, 1)`. */
const TWO_POW_32 = 0x1_0000_0000;

/**
 * The ids of each token tensor read so far. A GPU backend (webgpu) moves a tensor's data to the
 * device at its first use and, in Node, cannot read it back synchronously: the masks of later
 * passes over the same ids (MC samples, sharpening's second pass) reuse the first read.
 * Weak: an entry goes with its tensor object.
 */
const hostIds = new WeakMap<tf.Tensor, ArrayLike<number>>();

/**
 * Embedding ("word-type") dropout of Gal & Ghahramani (2016, §3.1 and §4.2): whole word types
 * are dropped per sequence, so every occurrence of a dropped id in a row is zeroed, as if that
 * row of the embedding matrix were zero for this sequence.
 *
 * Tying is per row (per sequence), never across rows: the released `v3` Torch script compared
 * whole batch rows and so almost never tied repeats (papers.md §3.5.1, yaringal/BayesianRNN#4);
 * this follows the fixed `_v3_fix.lua`. A word type's keep/drop decision depends only on
 * `(key, row, id)`, never on where in the row it first occurs.
 *
 * Multiply the embedded window `[batchSize, steps, embeddingSize]` by the result (it broadcasts
 * over the embedding axis).
 *
 * @param key - one key per window (a new key gives new masks).
 * @param tokens - word ids `[batchSize, steps]`: a `Tensor2D`, or a row-major `Int32Array`
 *   holding `batchSize` rows (one row when `batchSize` is not given).
 * @param rate - probability `p_x` of dropping a word type, in `[0, 1)`.
 * @param batchSize - rows in an `Int32Array`; for a tensor it must match `tokens.shape[0]`.
 * @returns `[batchSize, steps, 1]` with entries `0` or `1 / (1 − rate)` (inverted scaling).
 */
export function wordTypeDropoutMask(
  key: RngKey,
  tokens: Int32Array | tf.Tensor2D,
  rate: number,
  batchSize?: number,
): tf.Tensor3D {
  checkRate(rate, 'wordTypeDropoutMask: rate');
  const { ids, rows, steps } = readTokens(tokens, batchSize);
  const keep = 1 - rate;
  const scale = 1 / keep;
  const values = new Float32Array(rows * steps);
  for (let row = 0; row < rows; row += 1) {
    const rowKey = foldIn(key, row);
    // Each id's decision is drawn once per row and reused for every repeat of the id.
    const decided = new Map<number, number>();
    for (let step = 0; step < steps; step += 1) {
      const index = row * steps + step;
      const id = ids[index] ?? 0;
      let value = decided.get(id);
      if (value === undefined) {
        const uniform = foldIn(rowKey, id >>> 0).words[0] / TWO_POW_32;
        value = uniform < keep ? scale : 0;
        decided.set(id, value);
      }
      values[index] = value;
    }
  }
  return tf.tensor3d(values, [rows, steps, 1], 'float32');
}

function readTokens(
  tokens: Int32Array | tf.Tensor2D,
  batchSize: number | undefined,
): { ids: ArrayLike<number>; rows: number; steps: number } {
  if (tokens instanceof Int32Array) {
    const rows = checkPositiveInteger(batchSize ?? 1, 'wordTypeDropoutMask: batchSize');
    if (tokens.length % rows !== 0) {
      throw new RangeError(
        `wordTypeDropoutMask: ${tokens.length} tokens do not split into ${rows} rows`,
      );
    }
    return { ids: tokens, rows, steps: tokens.length / rows };
  }
  if (tokens.rank !== 2) {
    throw new Error(
      `wordTypeDropoutMask: tokens must be [batchSize, steps], got ${formatShape(tokens.shape)}`,
    );
  }
  const [rows, steps] = tokens.shape;
  if (batchSize !== undefined && batchSize !== rows) {
    throw new RangeError(
      `wordTypeDropoutMask: batchSize ${batchSize} differs from tokens ${formatShape(tokens.shape)}`,
    );
  }
  // One read of a small int tensor per window: the decisions are per (row, id), done in JS.
  return { ids: idsOnHost(tokens), rows, steps };
}

function idsOnHost(tokens: tf.Tensor2D): ArrayLike<number> {
  // A variable's values can be assigned, so its ids are read afresh every time.
  if (tokens instanceof tf.Variable) return tokens.dataSync();
  const known = hostIds.get(tokens);
  if (known !== undefined) return known;
  let ids: ArrayLike<number>;
  try {
    ids = tokens.dataSync();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(
      `wordTypeDropoutMask: cannot read the token ids on the host (backend ${tf.getBackend()}: ${why}); ` +
        'make the mask before the ids are used on the device, or pass them as an Int32Array',
    );
  }
  hostIds.set(tokens, ids);
  return ids;
}
