import type { EvaluationWindowSource, TrainingWindowSource } from '@bayesrnn/models';
import type { BenchShape } from './shape.js';

/** Mulberry32: a small seeded generator of uniform numbers in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `length` token ids uniform in `[0, vocabSize)`, the same for the same seed. */
export function syntheticTokens(length: number, vocabSize: number, seed: number): Int32Array {
  const next = mulberry32(seed);
  return Int32Array.from({ length }, () => Math.floor(next() * vocabSize));
}

/** Window `index`'s `[batchSize, steps]` inputs and targets (inputs shifted by one). */
function windowAt(shape: BenchShape, index: number) {
  const { batchSize, steps, vocabSize, seed } = shape;
  const stream = syntheticTokens(batchSize * (steps + 1), vocabSize, seed * 1_000_003 + index);
  const inputs = new Int32Array(batchSize * steps);
  const targets = new Int32Array(batchSize * steps);
  for (let b = 0; b < batchSize; b += 1) {
    const row = stream.subarray(b * (steps + 1), (b + 1) * (steps + 1));
    inputs.set(row.subarray(0, steps), b * steps);
    targets.set(row.subarray(1), b * steps);
  }
  return { inputs, targets };
}

/** `windowCount` random training windows of the shape (no dataset needed). */
export function syntheticTrainingWindows(
  shape: BenchShape,
  windowCount: number,
): TrainingWindowSource {
  const windows = Array.from({ length: windowCount }, (_, index) => windowAt(shape, index));
  return {
    batchSize: shape.batchSize,
    steps: shape.steps,
    windowsPerEpoch: windowCount,
    window: (index) => windows[index % windowCount] ?? windowAt(shape, index),
  };
}

/** `windowCount` random evaluation windows of the shape. */
export function syntheticEvaluationWindows(
  shape: BenchShape,
  windowCount: number,
): EvaluationWindowSource {
  const training = syntheticTrainingWindows(shape, windowCount);
  return {
    batchSize: shape.batchSize,
    windowCount,
    window: (index) => ({ ...training.window(index), steps: shape.steps }),
  };
}
