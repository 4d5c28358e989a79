/** The shape of truncated-BPTT minibatches. */
export interface TbpttConfig {
  /** Parallel streams, the rows of every window (20 in Zaremba's PTB setup). */
  readonly batchSize: number;
  /** Time steps per window, where gradients are truncated (35 in Zaremba's PTB setup). */
  readonly steps: number;
}

/** One window: `inputs` and `targets`, `[batchSize, steps]` row-major int32. */
export interface TbpttWindow {
  /** `inputs[b * steps + t]` is token `t` of stream `b` in this window. */
  readonly inputs: Int32Array;
  /** The inputs shifted by one: `targets[b * steps + t]` is the token after `inputs[b * steps + t]`. */
  readonly targets: Int32Array;
}

/**
 * Truncated-BPTT minibatches over one token stream (Zaremba et al. 2014; papers.md §0.2).
 * Window `i + 1` continues window `i` in every stream, so the trainer carries the recurrent
 * state from one to the next and truncates only gradients.
 */
export interface TbpttBatches extends TbpttConfig {
  /** Windows in one pass over the corpus: `floor((streamLength − 1) / steps)`. */
  readonly windowsPerEpoch: number;
  /** Tokens per stream, `L = floor(N / batchSize)`; the last `N mod batchSize` are unused. */
  readonly streamLength: number;
  /**
   * Window `index` (`0 … windowsPerEpoch − 1`), as fresh arrays the caller may keep.
   * @throws {RangeError} for an index outside that range.
   */
  window(index: number): TbpttWindow;
  /** Every window in order, for `for … of`. */
  windows(): IterableIterator<TbpttWindow>;
}

/** Checks `batchSize` and `steps` and returns the stream length `floor(N / batchSize)`. */
export function streamLengthFor(who: string, tokens: number, config: TbpttConfig): number {
  const { batchSize, steps } = config;
  if (!(Number.isSafeInteger(batchSize) && batchSize >= 1)) {
    throw new RangeError(`${who}: batchSize must be an integer ≥ 1, got ${batchSize}`);
  }
  if (!(Number.isSafeInteger(steps) && steps >= 1)) {
    throw new RangeError(`${who}: steps must be an integer ≥ 1, got ${steps}`);
  }
  return Math.floor(tokens / batchSize);
}

/**
 * Copies `length` steps from `offset` of every stream: `inputs[b, t] = ids[b·L + offset + t]`,
 * `targets[b, t] = ids[b·L + offset + t + 1]`. The caller keeps `offset + length < L`.
 */
export function sliceWindow(
  ids: Int32Array,
  streamLength: number,
  batchSize: number,
  offset: number,
  length: number,
): TbpttWindow {
  const inputs = new Int32Array(batchSize * length);
  const targets = new Int32Array(batchSize * length);
  for (let stream = 0; stream < batchSize; stream += 1) {
    const start = stream * streamLength + offset;
    inputs.set(ids.subarray(start, start + length), stream * length);
    targets.set(ids.subarray(start + 1, start + 1 + length), stream * length);
  }
  return { inputs, targets };
}

function checkIndex(who: string, index: number, count: number): void {
  if (!(Number.isInteger(index) && index >= 0 && index < count)) {
    throw new RangeError(`${who}: window ${index} is outside [0, ${count})`);
  }
}

/**
 * Cuts `ids` into `batchSize` contiguous streams, stream `b` being `ids[b·L, (b+1)·L)` with
 * `L = floor(N / batchSize)`, and each stream into consecutive windows of `steps` tokens whose
 * targets are the next tokens. PTB train (929,589 tokens) with batch 20 × 35 steps gives 1,327
 * windows per epoch (papers.md §0.2). The ids are read lazily: do not change them afterwards.
 *
 * @example
 * const batches = createTbpttBatches(corpus.train, { batchSize: 20, steps: 35 });
 * for (const { inputs, targets } of batches.windows()) {
 *   const x = tf.tensor2d(inputs, [20, 35], 'int32'); // …
 * }
 * @throws {RangeError} for a bad `batchSize` or `steps`, or a corpus too short for one window
 *   (each stream needs `steps + 1` tokens).
 */
export function createTbpttBatches(ids: Int32Array, config: TbpttConfig): TbpttBatches {
  const who = 'createTbpttBatches';
  const streamLength = streamLengthFor(who, ids.length, config);
  const { batchSize, steps } = config;
  const windowsPerEpoch = Math.max(0, Math.floor((streamLength - 1) / steps));
  if (windowsPerEpoch === 0) {
    throw new RangeError(
      `${who}: ${ids.length} tokens are too few for one window of ${batchSize} × ${steps}: each of the ${batchSize} streams needs ${steps + 1} tokens (inputs and the shifted targets), so at least ${batchSize * (steps + 1)} tokens`,
    );
  }
  const window = (index: number): TbpttWindow => {
    checkIndex(who, index, windowsPerEpoch);
    return sliceWindow(ids, streamLength, batchSize, index * steps, steps);
  };
  return {
    batchSize,
    steps,
    windowsPerEpoch,
    streamLength,
    window,
    *windows() {
      for (let index = 0; index < windowsPerEpoch; index += 1) yield window(index);
    },
  };
}
