// Re-exports by name only; see the files beside it.
export { addLangevinNoise, langevinVariance } from './langevin-noise.js';
export {
  checkStepSize,
  DEFAULT_LANGEVIN_OPTIONS,
  type LangevinOptions,
  type ResolvedLangevinOptions,
  resolveLangevinOptions,
} from './langevin-options.js';
export { potentialGradient, priorPrecision, withPriorPull } from './potential-gradient.js';
export {
  createPsgld,
  DEFAULT_PSGLD_OPTIONS,
  type PsgldOptions,
  type PsgldSampler,
  type PsgldState,
  type ResolvedPsgldOptions,
} from './psgld.js';
export {
  createSghmc,
  DEFAULT_SGHMC_OPTIONS,
  type ResolvedSghmcOptions,
  type SghmcOptions,
  type SghmcSampler,
  type SghmcState,
} from './sghmc.js';
export { createSgld, type SgldOptions, type SgldSampler, type SgldState } from './sgld.js';
export {
  type CyclicalStepSizeOptions,
  constantStepSize,
  cyclePhase,
  cyclicalStepSize,
  type PolynomialDecayOptions,
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
