// Re-exports by name only; see the files beside it.
export { accuracy } from './accuracy.js';
export {
  averageProbabilities,
  createProbabilityAverager,
  logAddExp,
  type ProbabilityAverager,
} from './average-probabilities.js';
export { type BleuOptions, type BleuScore, corpusBleu } from './bleu.js';
export { type CiderScore, corpusCiderD } from './cider.js';
export {
  fusedSoftmaxCrossEntropy,
  fusedSoftmaxCrossEntropyGrad,
  SOFTMAX_XENT_GRAD_KERNEL,
  SOFTMAX_XENT_KERNEL,
  type SoftmaxCrossEntropyParts,
} from './fused-softmax-cross-entropy.js';
export { meanNll, type NllOptions, type ScoreKind, sumNll, tokenNll } from './nll.js';
export { createNllAccumulator, type NllAccumulator } from './nll-accumulator.js';
export { type NllStatistics, nllStatistics } from './nll-statistics.js';
export { bitsPerCharacter, perplexity } from './perplexity.js';
export { corpusRougeL, type RougeLOptions, type RougeLScore } from './rouge.js';
export { sparseSoftmaxCrossEntropy } from './sparse-softmax-cross-entropy.js';
