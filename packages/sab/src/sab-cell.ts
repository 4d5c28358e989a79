import { checkShape, mapTree, stopGradient, tidyTree } from '@bayesrnn/core';
import type { Cell, CellStepResult, NamedTensorTree, WeightSpecs, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { normalInitializer } from './normal-initializer.js';
import { resolveSabConfig, type SabConfig } from './sab-config.js';
import { detachesBefore, storesAfter } from './sab-schedule.js';
import { attentionScores, attentionSummary, sparseAttentionWeights } from './sparse-attention.js';

/**
 * The state of a SAB cell (a type alias, not an interface: `NamedTensorTree` needs its implicit
 * index signature).
 */
export type SabState<Inner extends NamedTensorTree = NamedTensorTree> = {
  /** The wrapped cell's state, its `h` replaced by h_t = ĥ_t + s_t. */
  readonly cell: Inner;
  /** The macrostate M: stored states `[batchSize, numMemories, hiddenSize]`, oldest first. */
  readonly memories: tf.Tensor3D;
  /** Steps taken since the initial state, an int32 scalar (drives the time grid). */
  readonly time: tf.Scalar;
};

/** The weight names: `cell/<name>` for the wrapped cell's, plus the attention kernel. */
export type SabWeightName<Inner extends string = string> = `cell/${Inner}` | 'attention/kernel';

/** The attention kernel w `[2 · hiddenSize]` of a_i = wᵀ tanh([ĥ; m_i]). */
export const ATTENTION_KERNEL = 'attention/kernel';

/** The SAB cell's name of a wrapped-cell weight: `cell/kernel`. */
export function innerWeightName<Name extends string>(name: Name): `cell/${Name}` {
  return `cell/${name}`;
}

/** Official code: `w_t ~ N(0, 0.01²)` (papers.md §5.1). */
const ATTENTION_INIT_STDDEV = 0.01;
const OWNER = 'SAB cell';

/**
 * Wraps a recurrent cell into a sparse attentive backtracking cell (Ke et al. 2018; papers.md
 * §5.1–5.2). At step t (0-based, counted in `state.time` across windows):
 *
 * ```
 * if (t + 1) mod k_trunc = 0: stop the gradient of the wrapped state   local truncation
 * (ĥ_t, rest) = cell(x_t, state_{t−1})                                  provisional state
 * a_i = wᵀ tanh([ĥ_t; m_i])                                             for every memory m_i ∈ M
 * ã = relu(a − δ) / (Σ relu(a − δ) + 1e−7)                              k_top memories kept
 * s_t = Σ_i ã_i m_i;   h_t = ĥ_t + s_t                                  the other entries (c) as is
 * if (t + 1) mod k_att = 0: M ← [M; h_t]                                h_t stored, NOT detached
 * output = [h_t; s_t]                                                   `[batchSize, 2 · hiddenSize]`
 * ```
 *
 * Gradient reaches the past along the recurrent chain back to the last truncation point, and
 * through s_t into the k_top attended memories, from each of which it again runs back to its
 * own last truncation point (the "sparse replay"). The initial macrostate is the initial h
 * (one memory, zeros for the cells of `@bayesrnn/cells`), as the official code. See
 * `sparseAttentionWeights` for δ (exactly k_top memories kept; at most k_top memories all
 * kept; the weights ignore the ĥ half of every score, as the official code's do once it has
 * more than k_top memories) and `sab-schedule.ts` for the time grid.
 *
 * The wrapped cell must have a state entry `h` of width `cell.outputSize` (the LSTM, GRU and
 * vanilla RNN of `@bayesrnn/cells`); its weights appear as `cell/<name>`, beside
 * `attention/kernel` `[2 · hiddenSize]` (N(0, 0.01²) initially, as the official code). The
 * window is the wrapped cell's own. Every step reads `state.time` on the host with one
 * `dataSync()` of a scalar to pick the branch: a sync that costs nothing on cpu and wasm (a
 * GPU backend would wait for the queue once per step).
 *
 * @throws RangeError naming the option (`SabConfig.topK must be a positive integer, got 0`);
 *   `initialState` and `step` throw an Error when the wrapped cell's state has no `h` of width
 *   `outputSize`. (Creation makes no tensors: it may run before a backend is selected.)
 */
export function sab<Name extends string, Inner extends NamedTensorTree, Window>(
  cell: Cell<Name, Inner, Window>,
  config: Partial<SabConfig> = {},
): Cell<SabWeightName<Name>, SabState<Inner>, Window> {
  const { topK, attendEvery, truncation } = resolveSabConfig(config);
  const hiddenSize = cell.outputSize;
  const names = Object.keys(cell.weightSpecs) as Name[];
  const specs: Record<string, WeightSpecs[string]> = {};
  for (const name of names) specs[innerWeightName(name)] = cell.weightSpecs[name];
  specs[ATTENTION_KERNEL] = {
    shape: [2 * hiddenSize],
    init: normalInitializer(ATTENTION_INIT_STDDEV),
  };

  return {
    inputSize: cell.inputSize,
    // [h_t; s_t], as the official code feeds its output layer.
    outputSize: 2 * hiddenSize,
    weightSpecs: specs as WeightSpecs<SabWeightName<Name>>,
    initialState(batchSize) {
      return tidyTree(() => {
        const inner = cell.initialState(batchSize);
        const h = hOf(inner, 'initialState: cell state');
        checkShape(OWNER, 'initialState: cell state h', h, [batchSize, hiddenSize]);
        // M starts with the initial h (the official `h_old = h_t.view(batch, 1, hidden)`).
        return { cell: inner, memories: tf.expandDims(h, 1), time: tf.scalar(0, 'int32') };
      });
    },
    startWindow: (options) => cell.startWindow(options),
    step(weights, input, state, window): CellStepResult<SabState<Inner>> {
      const batchSize = input.shape[0];
      checkShape(OWNER, 'input', input, [batchSize, cell.inputSize]);
      const time = checkState(state, batchSize);
      const innerWeights = selectWeights(weights);
      const kernel = weights[ATTENTION_KERNEL];
      if (kernel === undefined) throw new Error(`${OWNER}: missing weight '${ATTENTION_KERNEL}'`);
      checkShape(OWNER, `weights.${ATTENTION_KERNEL}`, kernel, [2 * hiddenSize]);
      return tidyTree((): CellStepResult<SabState<Inner>> => {
        // Local truncation on the fixed grid: no gradient into the state before this step.
        const previous = detachesBefore(time, truncation)
          ? (mapTree(state.cell, (tensor) => stopGradient(tensor)) as unknown as Inner)
          : state.cell;
        // Provisional state ĥ_t (and the rest, e.g. c_t) from the wrapped cell.
        const provisional = cell.step(innerWeights, input, previous, window).state;
        const hHat = hOf(provisional, 'step: cell state');
        // Sparse attention over the macrostate: a, then ã (k_top kept), then s_t.
        const scores = attentionScores(hHat, state.memories, kernel);
        const summary = attentionSummary(sparseAttentionWeights(scores, topK), state.memories);
        // h_t = ĥ_t + s_t; the wrapped state's other entries are kept.
        const h = tf.add(hHat, summary) as tf.Tensor2D;
        // Every k_att steps h_t joins the macrostate, with its gradient (memories are never detached).
        const memories = storesAfter(time, attendEvery)
          ? (tf.concat([state.memories, tf.expandDims(h, 1)], 1) as tf.Tensor3D)
          : state.memories.clone();
        return {
          output: tf.concat([h, summary], 1) as tf.Tensor2D,
          state: { cell: { ...provisional, h }, memories, time: tf.scalar(time + 1, 'int32') },
        };
      });
    },
  };

  /** The wrapped cell's weights under their own names. */
  function selectWeights(weights: Weights<SabWeightName<Name>>): Weights<Name> {
    const selected: Partial<Record<Name, tf.Tensor>> = {};
    for (const name of names) {
      const tensor = (weights as Weights)[innerWeightName(name)];
      if (tensor === undefined) {
        throw new Error(`${OWNER}: missing weight '${innerWeightName(name)}'`);
      }
      selected[name] = tensor;
    }
    return selected as Weights<Name>;
  }

  /** Shapes of the state (reading shapes only); returns t, the one host read of a step. */
  function checkState(state: SabState<Inner>, batchSize: number): number {
    checkShape(OWNER, 'state.cell.h', hOf(state.cell, 'state.cell'), [batchSize, hiddenSize]);
    const numMemories = state.memories.shape[1] ?? 0;
    checkShape(OWNER, 'state.memories', state.memories, [
      batchSize,
      Math.max(1, numMemories),
      hiddenSize,
    ]);
    checkShape(OWNER, 'state.time', state.time, []);
    if (state.time.dtype !== 'int32') {
      throw new Error(`${OWNER}: state.time must be an int32 scalar, got ${state.time.dtype}`);
    }
    return state.time.dataSync()[0] ?? 0;
  }
}

/** `createSabCell(cell, config)`: the same as `sab`, under the project's factory name. */
export const createSabCell = sab;

/** The state's `h`, or an error naming where it is missing. */
function hOf(tree: NamedTensorTree, where: string): tf.Tensor2D {
  const h = tree.h;
  if (!(h instanceof tf.Tensor) || h.rank !== 2) {
    throw new Error(`${OWNER}: ${where} has no rank-2 tensor 'h' (SAB attends over h)`);
  }
  return h as tf.Tensor2D;
}
