// Re-exports by name only; see the files beside it.

export {
  checkStepSize,
  DEFAULT_LANGEVIN_CONFIG,
  type LangevinConfig,
  type ResolvedLangevinConfig,
  resolveLangevinConfig,
} from './langevin-config.js';
export { addLangevinNoise, langevinVariance } from './langevin-noise.js';
export { potentialGradient, priorPrecision, withPriorPull } from './potential-gradient.js';
export {
  createPsgld,
  DEFAULT_PSGLD_CONFIG,
  type PsgldConfig,
  type PsgldSampler,
  type PsgldState,
  type ResolvedPsgldConfig,
} from './psgld.js';
export {
  createSghmc,
  DEFAULT_SGHMC_CONFIG,
  type ResolvedSghmcConfig,
  type SghmcConfig,
  type SghmcSampler,
  type SghmcState,
} from './sghmc.js';
export { createSgld, type SgldConfig, type SgldSampler, type SgldState } from './sgld.js';
export {
  type CyclicalStepSizeConfig,
  constantStepSize,
  cyclePhase,
  cyclicalStepSize,
  type PolynomialDecayConfig,
  polynomialDecay,
  type StepSizeSchedule,
} from './step-size-schedule.js';
export {
  copyWeights,
  pairWithGradients,
  stateEntry,
  type WeightAndGradient,
  zerosLikeWeights,
} from './weight-gradient.js';
