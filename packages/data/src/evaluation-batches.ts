import {
  sliceWindow,
  streamLengthFor,
  type TbpttConfig,
  type TbpttWindow,
} from './tbptt-batches.js';

/** An evaluation window: like a training window, but the last one may be shorter. */
export interface EvaluationWindow extends TbpttWindow {
  /** Time steps in this window: `steps`, or fewer for the last one. */
  readonly steps: number;
}

/** Windows that predict every token of each stream but its first (see {@link createEvaluationBatches}). */
export interface EvaluationBatches extends TbpttConfig {
  /** Tokens per stream, `floor(N / batchSize)`. */
  readonly streamLength: number;
  /** Number of windows: `ceil((streamLength − 1) / steps)`. */
  readonly windowCount: number;
  /** Targets over all windows, `batchSize · (streamLength − 1)`: the divisor for perplexity. */
  readonly predictedTokens: number;
  /**
   * Window `index`, `[batchSize, window.steps]` row-major, as fresh arrays.
   * @throws {RangeError} for an index outside `[0, windowCount)`.
   */
  window(index: number): EvaluationWindow;
  /** Every window in order, for `for … of`. */
  windows(): IterableIterator<EvaluationWindow>;
}

/**
 * Evaluation minibatches: the same stream layout as {@link createTbpttBatches} (carry the
 * state from window to window), but the remainder that training drops becomes a last, shorter
 * window, so every token of a stream after its first is predicted once and perplexity is
 * exp(total NLL / `predictedTokens`). `batchSize` defaults to 1, one stream over the whole
 * split as in Zaremba's and Gal's evaluation (papers.md §0.2): only the first token is not
 * predicted. A larger batch is faster and leaves out one token per stream.
 *
 * @throws {RangeError} for a bad `batchSize` or `steps`, or fewer than 2 tokens per stream.
 */
export function createEvaluationBatches(
  ids: Int32Array,
  config: { readonly batchSize?: number; readonly steps: number },
): EvaluationBatches {
  const who = 'createEvaluationBatches';
  const batchSize = config.batchSize ?? 1;
  const { steps } = config;
  const streamLength = streamLengthFor(who, ids.length, { batchSize, steps });
  if (streamLength < 2) {
    throw new RangeError(
      `${who}: ${ids.length} tokens are too few for ${batchSize} stream(s): each needs at least 2 tokens (one input, one target)`,
    );
  }
  const windowCount = Math.ceil((streamLength - 1) / steps);
  const window = (index: number): EvaluationWindow => {
    if (!(Number.isInteger(index) && index >= 0 && index < windowCount)) {
      throw new RangeError(`${who}: window ${index} is outside [0, ${windowCount})`);
    }
    const length = Math.min(steps, streamLength - 1 - index * steps);
    return { ...sliceWindow(ids, streamLength, batchSize, index * steps, length), steps: length };
  };
  return {
    batchSize,
    steps,
    streamLength,
    windowCount,
    predictedTokens: batchSize * (streamLength - 1),
    window,
    *windows() {
      for (let index = 0; index < windowCount; index += 1) yield window(index);
    },
  };
}
