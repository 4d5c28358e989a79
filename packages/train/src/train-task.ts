import type { RngKey, TensorTree } from '@bayesrnn/spec';
import type * as tf from '@tensorflow/tfjs-core';

/** Trainable variables by unique name (the names checkpoints and optimiser state use). */
export type TrainVariables = { readonly [name: string]: tf.Variable };

/** Where a window sits in the run; handed to `TrainTask.windowLoss`. */
export interface WindowContext {
  /**
   * The window's key, `foldIn(foldIn(runKey, epoch), window)`: the same window of the same
   * epoch gets the same key in every run and after every resume.
   */
  readonly key: RngKey;
  /** Zero-based epoch. */
  readonly epoch: number;
  /** One-based number of the optimiser step this window is for (1 for the first). */
  readonly step: number;
}

/** What one truncated window contributes: the loss to minimise and the state to carry on. */
export interface WindowLoss<State extends TensorTree> {
  /** The scalar minimised by this step, e.g. mean NLL per token (+ weighted KL). */
  readonly loss: tf.Scalar;
  /**
   * The state after the window, the same structure as the state given. The trainer stops its
   * gradient and carries it into the next window; it may share tensors with the input state.
   */
  readonly state: State;
  /**
   * Tokens (predictions) the loss averages over, e.g. `batchSize × sequenceLength`; a plain
   * number, so reporting it costs no GPU sync. 0 when the idea does not apply.
   */
  readonly tokens: number;
  /**
   * Named scalar terms of the loss for the log, e.g. `{nll, kl}`. A part named `nll` (mean
   * NLL per token) is what the progress line's perplexity is computed from; without it the
   * loss is used.
   */
  readonly parts?: { readonly [name: string]: tf.Scalar };
}

/** Metrics of one evaluation, e.g. `{nll, tokens, perplexity}` for the validation split. */
export type EvaluationResult = { readonly [metric: string]: number };

/**
 * A training problem as the loop sees it: variables, and a loss per truncated window. It
 * knows nothing of the loop, and the loop knows nothing of LSTMs, vocabularies or corpora;
 * the model layer adapts its models and data to this interface.
 *
 * Truncated BPTT (Williams & Peng 1990; the Zaremba et al. 2014 PTB setting): windows of an
 * epoch run in order `0 … windowsPerEpoch − 1`; window `w` starts from the state window
 * `w − 1` ended in (the gradient stopped at the boundary), and window 0 from `initialState()`.
 *
 * **Determinism contract.** `windowLoss` must be a pure function of (window index, state,
 * context, variable values): the same arguments give the same loss. All randomness comes from
 * `context.key`; the data for window `w` must not depend on how many windows ran before
 * in this process. That is what makes a killed and resumed run bit-identical to an unbroken one.
 *
 * @typeParam State - the carried recurrent state, e.g. `{layers: [{h, c}, {h, c}]}`
 *   (`[batchSize, hiddenSize]` each); `{}` for a task without one.
 */
export interface TrainTask<State extends TensorTree = TensorTree> {
  /** Every variable the optimiser updates, by unique name (also their checkpoint names). */
  readonly variables: TrainVariables;
  /** Windows per epoch, e.g. `⌊tokens / (batchSize · sequenceLength)⌋` (1327 on PTB, 20×35). */
  readonly windowsPerEpoch: number;
  /**
   * `false` when the loss is not a negative log-likelihood per token (a bound per frame, a
   * squared error): no perplexity is then computed for the progress line and the log.
   * Default `true`.
   */
  readonly perplexity?: boolean;
  /**
   * What `WindowLoss.tokens` counts, for the progress line's rate: `'tok'` (the default) shows
   * `12.3k tok/s`; a sentence classifier says `'sentences'`.
   */
  readonly unit?: string;
  /** The state at the start of every epoch (zeros). The trainer owns and disposes it. */
  initialState(): State;
  /**
   * The loss of window `window` (zero-based within the epoch) from the carried `state`.
   * Runs inside the gradient tape: every operation on a variable that should be trained must
   * happen here. Must not dispose `state` (the trainer does). The trainer owns the result.
   */
  windowLoss(window: number, state: State, context: WindowContext): WindowLoss<State>;
  /**
   * Evaluates the current variables on a split (`'valid'` after each epoch, the `testSplits`
   * at the end), e.g. `{nll, tokens, perplexity}`. Must leave no tensors behind. Optional:
   * without it there is no validation, best model or early stopping.
   */
  evaluate?(split: string, key: RngKey): Promise<EvaluationResult>;
}
