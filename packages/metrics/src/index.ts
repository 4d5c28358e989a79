// Re-exports by name only; see the files beside it.
export { accuracy } from './accuracy.js';
export {
  averageProbabilities,
  createProbabilityAverager,
  logAddExp,
  type ProbabilityAverager,
} from './average-probabilities.js';
export { type BleuOptions, type BleuScore, corpusBleu } from './bleu.js';
export { type BrierScoreOptions, brierScore } from './brier-score.js';
export { categoricalEntropy } from './categorical-entropy.js';
export { type CiderScore, corpusCiderD } from './cider.js';
export {
  type CalibrationBin,
  type CalibrationOptions,
  type CalibrationReport,
  expectedCalibrationError,
} from './expected-calibration-error.js';
export {
  fusedSoftmaxCrossEntropy,
  fusedSoftmaxCrossEntropyGrad,
  SOFTMAX_XENT_GRAD_KERNEL,
  SOFTMAX_XENT_KERNEL,
  type SoftmaxCrossEntropyParts,
} from './fused-softmax-cross-entropy.js';
export {
  mutualInformation,
  type UncertaintyDecomposition,
  uncertaintyDecomposition,
} from './mutual-information.js';
export { meanNll, type NllOptions, type ScoreKind, sumNll, tokenNll } from './nll.js';
export { createNllAccumulator, type NllAccumulator } from './nll-accumulator.js';
export { type NllStatistics, nllStatistics } from './nll-statistics.js';
export { bitsPerCharacter, perplexity } from './perplexity.js';
export { corpusRougeL, type RougeLOptions, type RougeLScore } from './rouge.js';
export { sparseSoftmaxCrossEntropy } from './sparse-softmax-cross-entropy.js';
