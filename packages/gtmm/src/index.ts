export { type DenseActivation, dense, denseSpecs } from './dense-layer.js';
export {
  DEFAULT_GTMM_CONFIG,
  type GtmmConfig,
  type GtmmMemory,
  resolveGtmmConfig,
} from './gtmm-config.js';
export { createGtmm, type Gtmm, type GtmmTerms, gtmmNoise } from './gtmm-model.js';
export { contextSize, gtmmWeightSpecs, interfaceSize } from './gtmm-weights.js';
export {
  bernoulliNll,
  type DiagonalGaussian,
  gaussianFromOutput,
  gaussianKl,
  reparameterise,
  SIGMA_FLOOR,
} from './latent-distributions.js';
