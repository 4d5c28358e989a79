import { tidyTree } from '@bayesrnn/core';
import type { RngKey, Sampler, Weights } from '@bayesrnn/spec';
import type * as tf from '@tensorflow/tfjs-core';
import {
  checkStepSize,
  type LangevinConfig,
  type ResolvedLangevinConfig,
  resolveLangevinConfig,
} from './langevin-config.js';
import { langevinVariance } from './langevin-noise.js';
import { priorPrecision } from './potential-gradient.js';
import { psgldUpdate } from './psgld-update.js';
import { checkInterval, checkPositive } from './validate.js';
import { copyWeights, pairWithGradients, stateEntry, zerosLikeWeights } from './weight-gradient.js';

/** Settings of `createPsgld`: the shared `LangevinConfig` plus the RMSprop preconditioner's. */
export interface PsgldConfig extends LangevinConfig {
  /** `β`, decay of the running mean of squared gradients, in `[0, 1)` (default 0.99). */
  readonly beta?: number;
  /**
   * `λ`, added to `√v` in the preconditioner (> 0, default 1e−8, the paper's). A weight that
   * has had only zero gradients (an embedding row whose word has not yet been in a minibatch)
   * has `v = 0`, so `G⁻¹ = 1/λ` and noise of variance `2ηT/(λN)` each step: at 1e−8 the
   * first step of a PTB-small LM moves its weights by 31 times their norm (README, "λ and
   * weights without a gradient"). Models with embeddings want a larger λ, e.g. 1e−3.
   */
  readonly lambda?: number;
}

/** `PsgldConfig` with every default filled in. */
export interface ResolvedPsgldConfig extends ResolvedLangevinConfig {
  readonly beta: number;
  readonly lambda: number;
}

/** Gan et al. 2017, Algorithm 1: `β = 0.99`, `λ = 1e−8`. */
export const DEFAULT_PSGLD_CONFIG = { beta: 0.99, lambda: 1e-8 } as const;

/**
 * pSGLD's state: the current sample `position/<name>` and RMSprop's running mean of squared
 * minibatch gradients `secondMoment/<name>` (`v`, zeros at `init`).
 */
export type PsgldState<Name extends string = string> = {
  readonly position: Weights<Name>;
  readonly secondMoment: Weights<Name>;
};

/** A pSGLD sampler; `config` are the resolved settings. */
export interface PsgldSampler<Name extends string = string>
  extends Sampler<Name, PsgldState<Name>> {
  readonly name: 'psgld';
  readonly config: ResolvedPsgldConfig;
}

/**
 * Preconditioned SGLD with an RMSprop preconditioner (Li et al. 2016; Gan et al. 2017,
 * Algorithm 1, papers.md §2.3), in the sign convention of SGLD (papers.md §2.9 pitfall 1).
 *
 * Textbook step on `U = N·L − log p` with `ε`: `θ ← θ − ε G⁻¹ ∇U + sqrt(2 ε T G⁻¹) ξ`. With
 * `η = ε N` (`stepSize`, on the scale of the minibatch loss `L`) and `g = ∇L`:
 *
 * ```
 * v   ← β v + (1 − β) g ⊙ g                       (v on the scale of g, v₀ = 0)
 * G⁻¹ = 1 ⊘ (λ + √v)
 * θ   ← θ − η G⁻¹ ⊙ (g + θ / (σ² N)) + sqrt(2 η T G⁻¹ / N) ⊙ ξ,    ξ ~ N(0, I)
 * ```
 *
 * `v` tracks the likelihood gradient only (as Li et al.), and the correction term
 * `Γ(θ) = Σⱼ ∂G⁻¹ᵢⱼ/∂θⱼ` is dropped, as in the paper: the resulting bias is small when `v`
 * changes slowly (β close to 1). With `T = 0` and no prior this is RMSprop without momentum
 * (`ε` of RMSprop = `λ`, added outside the root).
 */
export function createPsgld<Name extends string = string>(config: PsgldConfig): PsgldSampler<Name> {
  const resolved: ResolvedPsgldConfig = {
    ...resolveLangevinConfig(config, 'PsgldConfig'),
    beta: checkInterval(config.beta ?? DEFAULT_PSGLD_CONFIG.beta, 'PsgldConfig.beta', 0, 1, 'high'),
    lambda: checkPositive(config.lambda ?? DEFAULT_PSGLD_CONFIG.lambda, 'PsgldConfig.lambda'),
  };
  const { beta, lambda } = resolved;
  return {
    name: 'psgld',
    config: resolved,
    acceptsGradientScale: true,
    init: (weights) => ({
      position: copyWeights(weights),
      secondMoment: zerosLikeWeights(weights),
    }),
    step(
      state: PsgldState<Name>,
      gradient: Weights<Name>,
      key: RngKey,
      stepSize: number,
      gradientScale = 1,
    ) {
      checkStepSize(stepSize, 'pSGLD');
      const pairs = pairWithGradients('pSGLD', state.position, gradient);
      return tidyTree(() => {
        const position: Record<string, tf.Tensor> = {};
        const secondMoment: Record<string, tf.Tensor> = {};
        const scalars = {
          beta,
          lambda,
          stepSize,
          precision: priorPrecision(resolved),
          noiseVariance: langevinVariance(stepSize, resolved),
          gradientScale,
        };
        for (const { name, position: theta, gradient: g } of pairs) {
          const v = stateEntry('pSGLD', state.secondMoment, 'secondMoment', name);
          const update = psgldUpdate(theta, g, v, key, name, scalars);
          position[name] = update.position;
          secondMoment[name] = update.secondMoment;
        }
        return {
          position: position as Weights<Name>,
          secondMoment: secondMoment as Weights<Name>,
        };
      });
    },
    position: (state) => state.position,
  };
}
