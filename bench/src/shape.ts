/** The model and batch every contender trains: one shape, so tokens/s ratios compare like with like. */
export interface BenchShape {
  readonly vocabSize: number;
  readonly embeddingSize: number;
  readonly hiddenSize: number;
  readonly layers: number;
  readonly batchSize: number;
  /** Truncated-BPTT window length. */
  readonly steps: number;
  /** Seed of the synthetic token ids and the weight initialisation. */
  readonly seed: number;
}

/**
 * The PTB-small step of issue 6 (Zaremba et al. 2014 "small" without dropout): embedding 200,
 * 2 × LSTM 200, vocabulary 10,000, batch 20 × 20 steps.
 */
export const PTB_SMALL_SHAPE: BenchShape = {
  vocabSize: 10_000,
  embeddingSize: 200,
  hiddenSize: 200,
  layers: 2,
  batchSize: 20,
  steps: 20,
  seed: 1,
};

/** Tokens one training step predicts: `batchSize × steps`. */
export function tokensPerStep(shape: BenchShape): number {
  return shape.batchSize * shape.steps;
}
