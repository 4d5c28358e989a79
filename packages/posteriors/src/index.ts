// Re-exports by name only; see the files beside it.

export {
  type FusedGaussianDraw,
  fusedGaussianDraw,
} from './fused-gaussian-draw.js';
export { gaussianKlToZeroMean, gaussianLogDensity } from './gaussian-density.js';
export { drawGaussianWeight, type GaussianWeightDraw } from './gaussian-draw.js';
export {
  createGaussianPosterior,
  type GaussianPosterior,
  type GaussianPosteriorOptions,
} from './gaussian-posterior.js';
export {
  type GaussianPosteriorConfig,
  gaussianVariableNames,
} from './gaussian-posterior-config.js';
export { gaussianPrior } from './gaussian-prior.js';
export {
  DEFAULT_SIGMA_FLOOR,
  gaussianWeightKl,
  type KlEstimator,
  reparameterise,
  rhoFor,
  sigmaOf,
} from './gaussian-weight.js';
export { createPointPosterior, type PointPosterior, pointPosterior } from './point-posterior.js';
export {
  type Spread,
  sortedQuantile,
  spreadOf,
  summarizePosterior,
  type WeightPosteriorSummary,
} from './posterior-summary.js';
export { checkPositive, type Prior, type PriorConfig } from './prior.js';
export { priorFromConfig } from './rebuild-prior.js';
export {
  FORTUNATO_SCALE_MIXTURE,
  type ScaleMixtureConfig,
  scaleMixturePrior,
} from './scale-mixture-prior.js';
export {
  createSharpenedPosterior,
  etaVariableName,
  type SharpenedPosterior,
  type SharpenedPosteriorConfig,
  type SharpeningOptions,
  sharpeningClipGroup,
} from './sharpened-posterior.js';
export { sharpenWeight } from './sharpening.js';
export { type PrunedWeights, pruneBySignalToNoise, signalToNoise } from './signal-to-noise.js';
