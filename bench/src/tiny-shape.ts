import type { BenchShape } from './shape.js';

/** A shape small enough for unit tests on the cpu backend (same structure as PTB-small). */
export const TINY_SHAPE: BenchShape = {
  vocabSize: 50,
  embeddingSize: 8,
  hiddenSize: 8,
  layers: 2,
  batchSize: 2,
  steps: 3,
  seed: 1,
};
