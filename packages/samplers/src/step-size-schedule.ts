import {
  checkInterval,
  checkNonNegative,
  checkPositive,
  checkPositiveInteger,
} from './validate.js';

/**
 * A step size as a plain function of the 1-based number `t` of the step about to be taken
 * (no hidden state, so a resumed run gets the same values). Throws a `RangeError` for a `t`
 * that is not a positive integer.
 */
export type StepSizeSchedule = (step: number) => number;

function checkStep(step: number, who: string): number {
  return checkPositiveInteger(step, `${who}: step`);
}

/** `ε_t = a` for every step (`a > 0`). */
export function constantStepSize(a: number): StepSizeSchedule {
  checkPositive(a, 'constantStepSize: a');
  return (step) => {
    checkStep(step, 'constantStepSize');
    return a;
  };
}

/** Settings of `polynomialDecay`. */
export interface PolynomialDecayConfig {
  /** Scale `a > 0`. */
  readonly a: number;
  /** Offset `b ≥ 0` (delays the decay; `ε₁ = a (b + 1)^−γ`). */
  readonly b: number;
  /** Exponent `γ ∈ (0, 1]`. */
  readonly gamma: number;
}

/**
 * Welling & Teh 2011's decreasing step size:
 *
 * ```
 * ε_t = a (b + t)^−γ
 * ```
 *
 * `γ ∈ (0.5, 1]` meets their conditions `Σ ε_t = ∞`, `Σ ε_t² < ∞` (asymptotically exact);
 * Teh, Thiery & Vollmer 2016 find `γ = 1/3` optimal for a fixed budget, so any `γ ∈ (0, 1]`
 * is accepted.
 */
export function polynomialDecay(config: PolynomialDecayConfig): StepSizeSchedule {
  const a = checkPositive(config.a, 'PolynomialDecayConfig.a');
  const b = checkNonNegative(config.b, 'PolynomialDecayConfig.b');
  const gamma = checkInterval(config.gamma, 'PolynomialDecayConfig.gamma', 0, 1, 'low');
  return (step) => a * (b + checkStep(step, 'polynomialDecay')) ** -gamma;
}

/** Settings of `cyclicalStepSize`. */
export interface CyclicalStepSizeConfig {
  /** `α₀ > 0`, the step size at the start of every cycle. */
  readonly initial: number;
  /** `K`, the total number of steps of the run (a positive integer). */
  readonly totalSteps: number;
  /** `M`, the number of cycles (a positive integer ≤ `K`). */
  readonly cycles: number;
}

/**
 * The cosine cyclical step size of cSG-MCMC (Zhang et al. 2020, eq. 1):
 *
 * ```
 * α_t = (α₀ / 2) · (cos(π · mod(t − 1, ⌈K/M⌉) / ⌈K/M⌉) + 1)
 * ```
 *
 * Each cycle of `⌈K/M⌉` steps starts at `α₀` (exploration) and decays towards 0 (sampling);
 * see `cyclePhase` for the position within a cycle. Steps past `K` keep cycling.
 */
export function cyclicalStepSize(config: CyclicalStepSizeConfig): StepSizeSchedule {
  const initial = checkPositive(config.initial, 'CyclicalStepSizeConfig.initial');
  const length = cycleLength(config);
  return (step) => {
    const r = (checkStep(step, 'cyclicalStepSize') - 1) % length;
    return (initial / 2) * (Math.cos((Math.PI * r) / length) + 1);
  };
}

/**
 * `r_t = mod(t − 1, ⌈K/M⌉) / ⌈K/M⌉ ∈ [0, 1)`, the fraction of its cycle that step `t` has
 * covered. Zhang et al. explore (optimise, no noise) while `r_t < β` and collect samples after.
 */
export function cyclePhase(
  config: Pick<CyclicalStepSizeConfig, 'totalSteps' | 'cycles'>,
  step: number,
): number {
  const length = cycleLength(config);
  return ((checkStep(step, 'cyclePhase') - 1) % length) / length;
}

function cycleLength(config: Pick<CyclicalStepSizeConfig, 'totalSteps' | 'cycles'>): number {
  const total = checkPositiveInteger(config.totalSteps, 'CyclicalStepSizeConfig.totalSteps');
  const cycles = checkPositiveInteger(config.cycles, 'CyclicalStepSizeConfig.cycles');
  if (cycles > total) {
    throw new RangeError(
      `CyclicalStepSizeConfig.cycles must be ≤ totalSteps (${total}), got ${cycles}`,
    );
  }
  return Math.ceil(total / cycles);
}
