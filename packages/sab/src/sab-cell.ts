import { checkShape, mapTree, stopGradient, tidyTree } from '@bayesrnn/core';
import type { Cell, CellStepResult, NamedTensorTree, WeightSpecs, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import {
  type AttentionWeightName,
  attentionScores,
  attentionWeightSpecs,
} from './attention-scores.js';
import { resolveSabConfig, type SabConfig, type SabScoring } from './sab-config.js';
import { detachesBefore, storesAfter } from './sab-schedule.js';
import { attentionSummary, sparseAttentionWeights } from './sparse-attention.js';

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

/**
 * The weight names: `cell/<name>` for the wrapped cell's, plus the attention weights of the
 * scoring (`attention/query`, `attention/memory`, `attention/bias`, `attention/kernel` for
 * `'mlp'`; `attention/kernel` for `'linear'`; all of them when the scoring is not known).
 */
export type SabWeightName<Inner extends string = string, Scoring extends SabScoring = SabScoring> =
  | `cell/${Inner}`
  | AttentionWeightName<Scoring>;

/** The options `sab` takes: a partial `SabConfig`, its scoring kept as a literal type. */
export type SabOptions<Scoring extends SabScoring = SabScoring> = Partial<
  Omit<SabConfig, 'scoring'>
> & { readonly scoring?: Scoring };

/** The SAB cell's name of a wrapped-cell weight: `cell/kernel`. */
export function innerWeightName<Name extends string>(name: Name): `cell/${Name}` {
  return `cell/${name}`;
}

const OWNER = 'SAB cell';

/**
 * Wraps a recurrent cell into a sparse attentive backtracking cell (Ke et al. 2018; papers.md
 * §5.1–5.2). At step t (0-based, counted in `state.time` across windows):
 *
 * ```
 * if (t + 1) mod k_trunc = 0: stop the gradient of the wrapped state   local truncation
 * (ĥ_t, rest) = cell(x_t, state_{t−1})                                  provisional state
 * a_i = vᵀ tanh(W_q ĥ_t + W_m m_i + b)     ('mlp')                      for every memory m_i ∈ M
 * a_i = wᵀ tanh([ĥ_t; m_i])                ('linear', the official code's)
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
 * kept; the weights ignore a shift of all scores), `attention-scores.ts` for the two scorings
 * (the paper's MLP, the default, whose attention depends on ĥ; the official code's linear
 * read-out, whose attention does not) and `sab-schedule.ts` for the time grid.
 *
 * The wrapped cell must have a state entry `h` of width `cell.outputSize` (the LSTM, GRU and
 * vanilla RNN of `@bayesrnn/cells`); its weights appear as `cell/<name>`, beside the attention
 * weights of `attentionWeightSpecs`: for `'mlp'` `attention/query` and `attention/memory`
 * `[hiddenSize, attentionSize]` (Glorot uniform), `attention/bias` `[attentionSize]` (zeros)
 * and `attention/kernel` `[attentionSize]` (N(0, 0.01²)); for `'linear'` `attention/kernel`
 * `[2 · hiddenSize]` (N(0, 0.01²), as the official code). The window is the wrapped cell's
 * own. Every step reads `state.time` on the host with one `dataSync()` of a scalar to pick the
 * branch: a sync that costs nothing on cpu and wasm (a GPU backend would wait for the queue
 * once per step).
 *
 * @throws RangeError naming the option (`SabConfig.topK must be a positive integer, got 0`,
 *   `SabConfig.scoring must be one of 'mlp', 'linear', got 'dot'`); `initialState` and `step`
 *   throw an Error when the wrapped cell's state has no `h` of width `outputSize`. (Creation
 *   makes no tensors: it may run before a backend is selected.)
 */
export function sab<
  Name extends string,
  Inner extends NamedTensorTree,
  Window,
  Scoring extends SabScoring = 'mlp',
>(
  cell: Cell<Name, Inner, Window>,
  config: SabOptions<Scoring> = {},
): Cell<SabWeightName<Name, Scoring>, SabState<Inner>, Window> {
  const { topK, attendEvery, truncation, scoring, attentionSize, maxMemories } =
    resolveSabConfig(config);
  const hiddenSize = cell.outputSize;
  const names = Object.keys(cell.weightSpecs) as Name[];
  const specs: Record<string, WeightSpecs[string]> = {};
  for (const name of names) specs[innerWeightName(name)] = cell.weightSpecs[name];
  const attentionSpecs = attentionWeightSpecs(scoring, hiddenSize, attentionSize ?? hiddenSize);
  Object.assign(specs, attentionSpecs);

  return {
    inputSize: cell.inputSize,
    // [h_t; s_t], as the official code feeds its output layer.
    outputSize: 2 * hiddenSize,
    weightSpecs: specs as WeightSpecs<SabWeightName<Name, Scoring>>,
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
      for (const [name, spec] of Object.entries(attentionSpecs)) {
        const tensor = (weights as Weights)[name];
        if (tensor === undefined) throw new Error(`${OWNER}: missing weight '${name}'`);
        checkShape(OWNER, `weights.${name}`, tensor, spec.shape);
      }
      return tidyTree((): CellStepResult<SabState<Inner>> => {
        // Local truncation on the fixed grid: no gradient into the state before this step.
        const previous = detachesBefore(time, truncation)
          ? (mapTree(state.cell, (tensor) => stopGradient(tensor)) as unknown as Inner)
          : state.cell;
        // Provisional state ĥ_t (and the rest, e.g. c_t) from the wrapped cell.
        const provisional = cell.step(innerWeights, input, previous, window).state;
        const hHat = hOf(provisional, 'step: cell state');
        // Sparse attention over the macrostate: a, then ã (k_top kept), then s_t.
        const scores = attentionScores(hHat, state.memories, weights as Weights, scoring);
        const summary = attentionSummary(sparseAttentionWeights(scores, topK), state.memories);
        // h_t = ĥ_t + s_t; the wrapped state's other entries are kept.
        const h = tf.add(hHat, summary) as tf.Tensor2D;
        // Every k_att steps h_t joins the macrostate, with its gradient (memories are never detached).
        const stored = storesAfter(time, attendEvery)
          ? (tf.concat([state.memories, tf.expandDims(h, 1)], 1) as tf.Tensor3D)
          : state.memories.clone();
        const memories = keepNewest(stored, maxMemories);
        return {
          output: tf.concat([h, summary], 1) as tf.Tensor2D,
          state: { cell: { ...provisional, h }, memories, time: tf.scalar(time + 1, 'int32') },
        };
      });
    },
  };

  /** The wrapped cell's weights under their own names. */
  function selectWeights(weights: Weights<SabWeightName<Name, Scoring>>): Weights<Name> {
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

/** The newest `maxMemories` memories of `[batchSize, count, hiddenSize]` (all when unbounded). */
function keepNewest(memories: tf.Tensor3D, maxMemories: number | undefined): tf.Tensor3D {
  const count = memories.shape[1];
  if (maxMemories === undefined || count <= maxMemories) return memories;
  return tf.slice(memories, [0, count - maxMemories, 0], [-1, maxMemories, -1]);
}
