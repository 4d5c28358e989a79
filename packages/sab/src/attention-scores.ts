import { glorotUniform, zeros } from '@bayesrnn/core';
import type { WeightSpec } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { normalInitializer } from './normal-initializer.js';
import type { SabScoring } from './sab-config.js';

/** The read-out of either score: v `[attentionSize]` ('mlp') or w `[2 · hiddenSize]` ('linear'). */
export const ATTENTION_KERNEL = 'attention/kernel';
/** W_q `[hiddenSize, attentionSize]` of the `'mlp'` score, applied to ĥ. */
export const ATTENTION_QUERY = 'attention/query';
/** W_m `[hiddenSize, attentionSize]` of the `'mlp'` score, applied to every memory. */
export const ATTENTION_MEMORY = 'attention/memory';
/** b `[attentionSize]` of the `'mlp'` score. */
export const ATTENTION_BIAS = 'attention/bias';

/** The attention weights' names of a scoring (all four for `'mlp'`, the kernel for `'linear'`). */
export type AttentionWeightName<Scoring extends SabScoring = SabScoring> = Scoring extends 'linear'
  ? typeof ATTENTION_KERNEL
  :
      | typeof ATTENTION_QUERY
      | typeof ATTENTION_MEMORY
      | typeof ATTENTION_BIAS
      | typeof ATTENTION_KERNEL;

/** Official code: `w_t ~ N(0, 0.01²)` (papers.md §5.1); also v's init for `'mlp'`. */
const KERNEL_INIT_STDDEV = 0.01;

/**
 * The attention weights' declarations. `'mlp'`: W_q and W_m Glorot uniform, b zeros, v
 * N(0, 0.01²) (the official w's init). `'linear'`: w `[2 · hiddenSize]`, N(0, 0.01²) as the
 * official code.
 */
export function attentionWeightSpecs(
  scoring: SabScoring,
  hiddenSize: number,
  attentionSize: number,
): Record<string, WeightSpec> {
  const kernelInit = normalInitializer(KERNEL_INIT_STDDEV);
  if (scoring === 'linear') {
    return { [ATTENTION_KERNEL]: { shape: [2 * hiddenSize], init: kernelInit } };
  }
  return {
    [ATTENTION_QUERY]: { shape: [hiddenSize, attentionSize], init: glorotUniform() },
    [ATTENTION_MEMORY]: { shape: [hiddenSize, attentionSize], init: glorotUniform() },
    [ATTENTION_BIAS]: { shape: [attentionSize], init: zeros() },
    [ATTENTION_KERNEL]: { shape: [attentionSize], init: kernelInit },
  };
}

/**
 * Raw attention scores a `[batchSize, numMemories]` of every memory with the weights of
 * `scoring` (`mlpAttentionScores` or `linearAttentionScores`), e.g. to plot an attention map
 * from a SAB state and its weights. Shapes as `attentionWeightSpecs` declares them (the SAB
 * cell checks them). Inputs are kept; the caller owns the result.
 *
 * @param weights - a record holding the scoring's `attention/…` weights (the SAB cell's weights).
 */
export function attentionScores(
  query: tf.Tensor2D,
  memories: tf.Tensor3D,
  weights: Readonly<Record<string, tf.Tensor>>,
  scoring: SabScoring,
): tf.Tensor2D {
  const get = (name: string): tf.Tensor => {
    const tensor = weights[name];
    if (tensor === undefined) throw new Error(`attentionScores: missing weight '${name}'`);
    return tensor;
  };
  if (scoring === 'linear') return linearAttentionScores(query, memories, get(ATTENTION_KERNEL));
  return mlpAttentionScores(query, memories, {
    query: get(ATTENTION_QUERY),
    memory: get(ATTENTION_MEMORY),
    bias: get(ATTENTION_BIAS),
    kernel: get(ATTENTION_KERNEL),
  });
}

/** The weights of the `'mlp'` score a_i = vᵀ tanh(W_q ĥ + W_m m_i + b). */
export interface MlpAttentionWeights {
  /** W_q `[hiddenSize, attentionSize]`. */
  readonly query: tf.Tensor;
  /** W_m `[hiddenSize, attentionSize]`. */
  readonly memory: tf.Tensor;
  /** b `[attentionSize]`. */
  readonly bias: tf.Tensor;
  /** v `[attentionSize]`. */
  readonly kernel: tf.Tensor;
}

/**
 * The paper's score (Ke et al. 2018: raw attention from an MLP over the concatenation
 * [ĥ; m_i]; papers.md §5.1, step 2, [P]), with one hidden layer of width A:
 *
 * ```
 * a_i = vᵀ tanh(W [ĥ; m_i] + b) = vᵀ tanh(W_q ĥ + W_m m_i + b)      W = [W_q; W_m]
 * ```
 *
 * The first layer is split into its query and memory blocks (additive attention, Bahdanau et
 * al. 2015) so that W_q ĥ + b is computed once per row and W_m m_i once per memory, as two
 * matrix products over the whole batch and macrostate: `[B, H] × [H, A]` and
 * `[B · N, H] × [H, A]`. Unlike `linearAttentionScores`, ĥ passes through the nonlinearity
 * together with each memory, so the scores' differences, and with them the sparse weights,
 * depend on ĥ: a step can choose which memories to recall.
 *
 * @param query - ĥ `[batchSize, hiddenSize]`, the wrapped cell's provisional state.
 * @param memories - M `[batchSize, numMemories, hiddenSize]`.
 * @returns a `[batchSize, numMemories]`. Inputs are kept; the caller owns the result.
 */
export function mlpAttentionScores(
  query: tf.Tensor2D,
  memories: tf.Tensor3D,
  weights: MlpAttentionWeights,
): tf.Tensor2D {
  return tf.tidy(() => {
    const [batchSize, numMemories, hiddenSize] = memories.shape;
    const attentionSize = weights.kernel.shape[0] ?? 0;
    // W_q ĥ + b: [batchSize, A], once per row.
    const queryPart = tf.add(tf.matMul(query, weights.query as tf.Tensor2D), weights.bias);
    // W_m m_i: [batchSize, numMemories, A], once per memory.
    const flat = tf.reshape(memories, [batchSize * numMemories, hiddenSize]) as tf.Tensor2D;
    const memoryPart = tf.reshape(tf.matMul(flat, weights.memory as tf.Tensor2D), [
      batchSize,
      numMemories,
      attentionSize,
    ]);
    const hidden = tf.tanh(tf.add(memoryPart, tf.expandDims(queryPart, 1)));
    // vᵀ tanh(…): [batchSize · numMemories, A] × [A, 1].
    const scores = tf.matMul(
      tf.reshape(hidden, [batchSize * numMemories, attentionSize]) as tf.Tensor2D,
      tf.reshape(weights.kernel, [attentionSize, 1]) as tf.Tensor2D,
    );
    return tf.reshape(scores, [batchSize, numMemories]) as tf.Tensor2D;
  });
}

/**
 * The official code's score (papers.md §5.1, step 2, [C]: a single linear read-out after tanh,
 * no hidden layer):
 *
 * ```
 * a_i = wᵀ tanh([ĥ; m_i]) = tanh(ĥ) · w_ĥ + tanh(m_i) · w_m      w = [w_ĥ; w_m] ∈ R^{2H}
 * ```
 *
 * The concatenation is split so that tanh(ĥ)·w_ĥ is computed once per row instead of once per
 * memory; the values are those of the official `tanh(cat(ĥ, m_i)) @ w_t`. **The attention does
 * not depend on ĥ**: tanh(ĥ)·w_ĥ is the same for every memory of a row, and
 * `sparseAttentionWeights` ignores a shift of all scores, so the weights ã are a function of
 * the memories alone (every step attends to the same memories, whatever it needs) and w_ĥ gets
 * no gradient. Kept for comparison with the official code; `'mlp'` is the default.
 *
 * @param query - ĥ `[batchSize, hiddenSize]`, the wrapped cell's provisional state.
 * @param memories - M `[batchSize, numMemories, hiddenSize]`.
 * @param kernel - w `[2 · hiddenSize]`.
 * @returns a `[batchSize, numMemories]`. Inputs are kept; the caller owns the result.
 */
export function linearAttentionScores(
  query: tf.Tensor2D,
  memories: tf.Tensor3D,
  kernel: tf.Tensor,
): tf.Tensor2D {
  return tf.tidy(() => {
    const [batchSize, numMemories, hiddenSize] = memories.shape;
    const [queryKernel, memoryKernel] = tf.split(tf.reshape(kernel, [2 * hiddenSize, 1]), 2);
    // tanh(ĥ) · w_ĥ: [batchSize, 1], the same for every memory of a row.
    const queryPart = tf.matMul(tf.tanh(query), queryKernel as tf.Tensor2D);
    // tanh(m_i) · w_m: [batchSize, numMemories].
    const flat = tf.reshape(tf.tanh(memories), [batchSize * numMemories, hiddenSize]);
    const memoryPart = tf.reshape(tf.matMul(flat as tf.Tensor2D, memoryKernel as tf.Tensor2D), [
      batchSize,
      numMemories,
    ]);
    return tf.add(queryPart, memoryPart) as tf.Tensor2D;
  });
}
