// A memory written outside bayesrnn: it imports only the published packages' public exports.
import { checkPositiveInteger, checkShape } from '@bayesrnn/core';
import type { Memory, MemoryRead } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';

/** Options of `createFastWeightsMemory` (Ba, Hinton, Mnih, Leibo & Ionescu 2016). */
export interface FastWeightsMemoryConfig {
  /** Size of the written vector a and of the query q; A is `wordSize × wordSize`. */
  readonly wordSize: number;
  /** λ, the decay of the fast weights at every write, in [0, 1): 1 would never forget. */
  readonly decay: number;
  /** η, the fast learning rate of the Hebbian outer-product update; positive and finite. */
  readonly fastLearningRate: number;
}

/**
 * λ = 0.95 and η = 0.5, Ba et al.'s (2016) values in their experiments (§4); `wordSize` 50 is
 * one of the hidden sizes of their associative retrieval task (20, 50, 100).
 */
export const DEFAULT_FAST_WEIGHTS_MEMORY_CONFIG: Readonly<FastWeightsMemoryConfig> = Object.freeze({
  wordSize: 50,
  decay: 0.95,
  fastLearningRate: 0.5,
});

/**
 * The parsed control, in the order of the flat control vector `[write; query]`:
 * - `write`: a_t = tanh(ξ[0 .. wordSize)), the vector stored, `[batchSize, wordSize]`;
 * - `query`: q_t = tanh(ξ[wordSize .. 2·wordSize)), the vector read with, `[batchSize, wordSize]`.
 *
 * Both are squashed with tanh. With |a_i| ≤ 1 every entry of A stays within η / (1 − λ) (10
 * with the defaults) however long the sequence, and |r_i| ≤ wordSize · η / (1 − λ), so reads
 * cannot blow up (the paper stores the hidden state itself and keeps it in scale with layer
 * normalisation); tanh, unlike a sigmoid, keeps the sign, so a and −a are different memories
 * and a query can be anti-aligned.
 */
export type FastWeightsControl = {
  readonly write: tf.Tensor2D;
  readonly query: tf.Tensor2D;
};

/** The fast weights A_t, `matrix`: `[batchSize, wordSize, wordSize]`, zero at the start. */
export type FastWeightsState = {
  readonly matrix: tf.Tensor3D;
};

/** The fast-weights memory: the `Memory` contract with its control and state, and its config. */
export type FastWeightsMemory = Memory<FastWeightsControl, FastWeightsState> & {
  readonly config: FastWeightsMemoryConfig;
};

const OWNER = 'fast-weights memory';

function checkConfig(partial: Partial<FastWeightsMemoryConfig>): FastWeightsMemoryConfig {
  const config = { ...DEFAULT_FAST_WEIGHTS_MEMORY_CONFIG, ...partial };
  const wordSize = checkPositiveInteger(config.wordSize, 'FastWeightsMemoryConfig.wordSize');
  const { decay, fastLearningRate } = config;
  // Half-open, so not core's checkInRange (closed): λ = 1 sums every write forever.
  if (!(typeof decay === 'number' && decay >= 0 && decay < 1)) {
    throw new RangeError(`FastWeightsMemoryConfig.decay must be in [0, 1), got ${String(decay)}`);
  }
  if (
    !(
      typeof fastLearningRate === 'number' &&
      Number.isFinite(fastLearningRate) &&
      fastLearningRate > 0
    )
  ) {
    throw new RangeError(
      `FastWeightsMemoryConfig.fastLearningRate must be a positive finite number, got ${String(fastLearningRate)}`,
    );
  }
  return { wordSize, decay, fastLearningRate };
}

/**
 * The fast-weights associative memory of Ba, Hinton, Mnih, Leibo & Ionescu (2016, "Using Fast
 * Weights to Attend to the Recent Past", §3 "Fast associative memories"), as a `Memory` of
 * `@bayesrnn/spec`:
 *
 * - write: A_t = λ A_{t−1} + η a_t a_tᵀ (the paper's A(t) = λ A(t−1) + η h(t) h(t)ᵀ, with the
 *   stored vector a_t chosen by the controller instead of being its hidden state);
 * - read: r_t = A_t q_t = η Σ_τ λ^{t−τ} a_τ (a_τ · q_t), attention to the recent past with the
 *   scalar products as (unnormalised) weights, without storing the past vectors; the state is
 *   unchanged.
 *
 * The paper's inner loop, h_{s+1} = f(LN[W h(t) + C x(t) + A(t) h_s]), feeds that read back into
 * the hidden state; in a memory-augmented cell the read r_t goes into the controller's next
 * input [x_{t+1}; r_t] instead, and the query is a separate control rather than h_s itself.
 *
 * Control layout: `[batchSize, 2 · wordSize]` = `[write; query]`, both tanh (see
 * `FastWeightsControl`). `readVector` is `[batchSize, wordSize]`.
 *
 * @throws RangeError naming the option:
 *   `FastWeightsMemoryConfig.decay must be in [0, 1), got 1.5`.
 */
export function createFastWeightsMemory(
  config: Partial<FastWeightsMemoryConfig> = {},
): FastWeightsMemory {
  const { wordSize, decay, fastLearningRate } = checkConfig(config);

  const checkState = (state: FastWeightsState): number => {
    const batchSize = state.matrix.shape[0];
    checkShape(OWNER, 'state.matrix', state.matrix, [batchSize, wordSize, wordSize]);
    return batchSize;
  };

  return {
    config: { wordSize, decay, fastLearningRate },
    controlSize: 2 * wordSize,
    readSize: wordSize,
    parseControl(flat): FastWeightsControl {
      checkShape(OWNER, 'control', flat, [flat.shape[0], 2 * wordSize]);
      return tf.tidy(() => {
        const [write, query] = tf.split(flat, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
        // a_t, q_t ∈ (−1, 1)^wordSize: bounded fast weights (see FastWeightsControl).
        return { write: tf.tanh(write), query: tf.tanh(query) };
      });
    },
    initialState: (batchSize) => ({
      matrix: tf.zeros([
        checkPositiveInteger(batchSize, `${OWNER}: batchSize`),
        wordSize,
        wordSize,
      ]),
    }),
    write(state, control): FastWeightsState {
      const batchSize = checkState(state);
      checkShape(OWNER, 'control.write', control.write, [batchSize, wordSize]);
      return tf.tidy(() => {
        const stored = tf.expandDims(control.write, 2) as tf.Tensor3D;
        // η a_t a_tᵀ, one outer product per sequence: [batchSize, wordSize, wordSize].
        const hebbian = tf.mul(tf.matMul(stored, stored, false, true), fastLearningRate);
        // A_t = λ A_{t−1} + η a_t a_tᵀ
        return { matrix: tf.add(tf.mul(state.matrix, decay), hebbian) as tf.Tensor3D };
      });
    },
    read(state, control): MemoryRead<FastWeightsState> {
      const batchSize = checkState(state);
      checkShape(OWNER, 'control.query', control.query, [batchSize, wordSize]);
      // r_t = A_t q_t: [batchSize, wordSize, wordSize] · [batchSize, wordSize, 1].
      const readVector = tf.tidy(() =>
        tf.reshape(tf.matMul(state.matrix, tf.expandDims(control.query, 2)), [batchSize, wordSize]),
      ) as tf.Tensor2D;
      // A new handle on the same data: the caller owns every tensor it gets back.
      return { readVector, state: { matrix: tf.clone(state.matrix) } };
    },
  };
}
