/**
 * Evaluation windows of a corpus (as `@bayesrnn/data`'s `createEvaluationBatches` makes them):
 * `batchSize` contiguous streams, window `i + 1` continuing window `i`; the last window may be
 * shorter, so every token after a stream's first is scored.
 */
export interface EvaluationWindowSource {
  readonly batchSize: number;
  readonly windowCount: number;
  /** `inputs` and `targets` (inputs shifted by one) as `[batchSize, steps]` row-major. */
  window(index: number): {
    readonly inputs: Int32Array;
    readonly targets: Int32Array;
    readonly steps: number;
  };
}
